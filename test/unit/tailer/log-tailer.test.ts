import { describe, expect, it } from "vitest";
import { TARGET, TailWorld } from "./tail-harness.js";

describe("LogTailer: waiting for the log file", () => {
  it("tails a file that appears within 30 s line by line, polling every 250 ms while it waits", async () => {
    const world = new TailWorld();
    world.follow();
    await world.clock.advance(10_000);
    expect(world.delivered).toEqual([]);
    world.fs.append(TARGET.stdoutPath, '{"type":"system"}\n{"type":"assistant"}\n');
    world.fs.create(TARGET.stderrPath);
    await world.clock.advance(250);
    expect(world.lines()).toEqual(['{"type":"system"}\n', '{"type":"assistant"}\n']);
    world.fs.append(TARGET.stdoutPath, '{"type":"result"}\n');
    world.finish();
    const summary = await world.settle();

    expect(world.lines()).toEqual(['{"type":"system"}\n', '{"type":"assistant"}\n', '{"type":"result"}\n']);
    expect(world.clock.sleeps.slice(0, 40).every((ms) => ms === 250)).toBe(true);
    expect(summary).toMatchObject({ ended: "complete", failure: null, stdout: { bytes: 57, lines: 3 } });
    expect(summary.trailer).toEqual({ version: 1, exitCode: 0, stdoutBytes: 57, stderrBytes: 0 });
  });

  it("fails with k8s_pod_log_file_missing and the exact message when the file never appears in 30 s", async () => {
    const world = new TailWorld();
    world.follow();
    const summary = await world.settle();

    expect(summary.ended).toBe("failed");
    expect(summary.failure?.errorCode).toBe("k8s_pod_log_file_missing");
    expect(summary.failure?.errorMessage).toBe(`Pod log file never appeared at ${TARGET.stdoutPath}`);
    expect(world.clock.now()).toBe(30_000);
  });

  it("honours a configured appear timeout", async () => {
    const world = new TailWorld();
    world.follow({ appearTimeoutMs: 2_000 });
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_file_missing");
    expect(world.clock.now()).toBe(2_000);
  });
});

describe("LogTailer: framing", () => {
  it("holds a partial trailing line and emits it whole on the next poll once its newline arrives", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, '{"a":1}\n{"b":');
    world.follow();
    await world.clock.advance(0);
    expect(world.lines()).toEqual(['{"a":1}\n']);
    world.fs.append(TARGET.stdoutPath, "2}\n");
    await world.clock.advance(250);
    expect(world.lines()).toEqual(['{"a":1}\n', '{"b":2}\n']);
  });

  it("delivers a final line without a newline at end of stream", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, '{"type":"assistant"}\n{"type":"result"}');
    world.finish();
    world.follow();
    const summary = await world.settle();

    expect(world.lines()).toEqual(['{"type":"assistant"}\n', '{"type":"result"}\n']);
    expect(summary).toMatchObject({ ended: "complete", stdout: { bytes: 38, lines: 2 } });
  });

  it("follows stderr the same way and delivers it as stderr", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "out\n");
    world.fs.append(TARGET.stderrPath, "warning: one\nwarning: two");
    world.finish(1);
    world.follow();
    const summary = await world.settle();

    expect(world.lines("stderr")).toEqual(["warning: one\n", "warning: two\n"]);
    expect(world.lines("stdout")).toEqual(["out\n"]);
    expect(summary).toMatchObject({ ended: "complete", stderr: { bytes: 25, lines: 2 }, trailer: { exitCode: 1 } });
  });

  it("completes without a stderr file when the trailer counts no stderr bytes", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "only stdout\n");
    world.finish();
    world.follow();
    const summary = await world.settle();

    expect(summary).toMatchObject({ ended: "complete", stderr: { bytes: 0, lines: 0 } });
  });
});

describe("LogTailer: polling cadence", () => {
  it("slows to 1 s after 5 idle polls and returns to 250 ms on growth", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "first\n");
    world.follow();
    // One growing poll, then idle polls: the 5th idle poll in a row is followed by a 1 s pause.
    await world.clock.advance(250 * 5 + 1_000 * 2);
    expect(world.clock.sleeps).toEqual([250, 250, 250, 250, 250, 1_000, 1_000, 1_000]);

    world.fs.append(TARGET.stdoutPath, "second\n");
    await world.clock.advance(1_000);
    expect(world.lines()).toEqual(["first\n", "second\n"]);
    await world.clock.advance(250 * 5);
    expect(world.clock.sleeps.slice(8)).toEqual([250, 250, 250, 250, 250, 1_000]);
  });

  it("delivers a line written while idle within one slow poll", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "first\n");
    world.follow();
    await world.clock.advance(60_000);
    const writtenAt = world.clock.now();
    world.fs.append(TARGET.stdoutPath, "late\n");
    await world.clock.runUntil(() => world.lines().length === 2);
    expect(world.clock.now() - writtenAt).toBeLessThanOrEqual(1_000);
  });
});

describe("LogTailer: stopping", () => {
  it("stops at once on cancellation and returns what was delivered", async () => {
    const world = new TailWorld();
    const controller = new AbortController();
    world.fs.append(TARGET.stdoutPath, "one\ntwo\nthree-partial");
    world.follow({ signal: controller.signal });
    await world.clock.advance(2_000);
    controller.abort();
    await world.clock.advance(0);

    expect(world.done).toBe(true);
    const summary = await world.session!.done;
    expect(summary).toMatchObject({ ended: "cancelled", failure: null, stdout: { bytes: 8, lines: 2 } });
    expect(world.clock.now()).toBe(2_000);
  });

  it("delivers no further line once cancelled while the sink is still busy", async () => {
    const world = new TailWorld();
    const controller = new AbortController();
    const seen: string[] = [];
    world.fs.append(TARGET.stdoutPath, "a\nb\nc\n");
    world.follow({ signal: controller.signal }, async (_stream, chunk) => {
      seen.push(chunk);
      if (seen.length === 1) controller.abort();
    });
    const summary = await world.settle();

    expect(seen).toEqual(["a\n"]);
    expect(summary).toMatchObject({ ended: "cancelled", stdout: { lines: 1, bytes: 2 } });
  });

  it("ends as failed with log_sink_failed when the sink throws, naming the line", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "a\nb\nc\n");
    let calls = 0;
    world.follow({}, () => {
      calls += 1;
      if (calls === 2) throw new Error("host log store is full");
    });
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("log_sink_failed");
    expect(summary.failure?.errorMessage).toContain("stdout line 2");
    expect(summary.failure?.errorMessage).toContain("host log store is full");
    expect(summary.stdout).toEqual({ bytes: 2, lines: 1 });
    expect(calls).toBe(2);
  });

  it("awaits an asynchronous sink before handing it the next line", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "1\n2\n3\n");
    world.finish();
    let inFlight = 0;
    let maxInFlight = 0;
    const order: string[] = [];
    world.follow({}, async (_stream, chunk) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await Promise.resolve();
      order.push(chunk);
      inFlight -= 1;
    });
    await world.settle();

    expect(order).toEqual(["1\n", "2\n", "3\n"]);
    expect(maxInFlight).toBe(1);
  });

  it("ends as failed with internal_error for an invalid option instead of throwing", async () => {
    const world = new TailWorld();
    const summary = await world.follow({ chunkBytes: 0 }).done;

    expect(summary.failure?.errorCode).toBe("internal_error");
    expect(summary.failure?.errorMessage).toContain("chunkBytes=0");
  });
});
