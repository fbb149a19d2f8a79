/**
 * Attacks on the server's memory and the host's transcript through what a pod writes: a line that
 * never ends, millions of tiny lines, endless output. Each ends bounded: cut lines, or the run's
 * output caps with k8s_pod_output_limit_exceeded.
 */
import { describe, expect, it } from "vitest";
import { cutLineMarker } from "../../../src/domain/tailer/stream-delivery.js";
import { TARGET, TailWorld } from "./tail-harness.js";

describe("LogTailer: a pod's lines are bounded by maxLineBytes", () => {
  it("attack: a 4 MiB line without a newline is delivered as its head plus a marker, and the trailer protocol still completes", async () => {
    const world = new TailWorld();
    const cuts: boolean[] = [];
    world.follow({ maxLineBytes: 64 * 1024 }, (stream, chunk, cut) => {
      world.delivered.push({ stream, chunk });
      cuts.push(cut);
    });
    world.fs.append(TARGET.stdoutPath, '{"type":"system"}\n');
    for (let i = 0; i < 64; i++) {
      world.fs.append(TARGET.stdoutPath, "x".repeat(64 * 1024));
      await world.clock.advance(250);
    }
    world.finish();
    const summary = await world.settle();

    const size = world.fs.contentOf(TARGET.stdoutPath).length;
    expect(world.lines()).toEqual(['{"type":"system"}\n', `${"x".repeat(64 * 1024)}${cutLineMarker(64 * 1024)}\n`]);
    expect(cuts).toEqual([false, true]);
    expect(summary).toMatchObject({ ended: "complete", failure: null, stdout: { bytes: size, lines: 2 } });
    expect(summary.trailer?.stdoutBytes).toBe(size);
  });

  it("delivers the lines after a cut line intact", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, `${"é".repeat(3000)}\n{"type":"result"}\n`);
    world.finish();
    world.follow({ maxLineBytes: 1024 });
    const summary = await world.settle();

    expect(world.lines()).toEqual([`${"é".repeat(512)}${cutLineMarker(1024)}\n`, '{"type":"result"}\n']);
    expect(summary.stdout.bytes).toBe(world.fs.contentOf(TARGET.stdoutPath).length);
  });
});

describe("LogTailer: the run's output caps", () => {
  it("attack: 5,000 tiny lines against maxOutputLines 1,000 reach the sink 1,000 times, then the tail fails with k8s_pod_output_limit_exceeded", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "x\n".repeat(5000));
    world.follow({ maxOutputLines: 1000 });
    const summary = await world.settle();

    expect(world.delivered).toHaveLength(1000);
    expect(summary.ended).toBe("failed");
    expect(summary.failure?.errorCode).toBe("k8s_pod_output_limit_exceeded");
    expect(summary.failure?.errorMessage).toBe(
      `The run's pod wrote past its maxOutputLines limit of 1000 lines (stdout and stderr together; reading ${TARGET.stdoutPath}); the Job was stopped and the rest of its output discarded. Raise maxOutputLines in the agent's adapter settings if the agent really needs more.`,
    );
    expect(summary.stdout.lines).toBe(1000);
    expect(world.clock.now()).toBe(0);
  });

  it("counts stdout and stderr against one budget per run", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "out\n".repeat(600));
    world.fs.append(TARGET.stderrPath, "err\n".repeat(600));
    world.follow({ maxOutputLines: 1000 });
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_output_limit_exceeded");
    expect(summary.failure?.details.path).toBe(TARGET.stderrPath);
    expect(summary.stdout.lines + summary.stderr.lines).toBe(1000);
  });

  it("attack: a line that never ends is stopped by maxOutputBytes, while it is still being written", async () => {
    const world = new TailWorld();
    world.follow({ maxLineBytes: 1024, maxOutputBytes: 1024 * 1024 });
    let writes = 0;
    while (!world.done && writes < 1000) {
      world.fs.append(TARGET.stdoutPath, "y".repeat(64 * 1024));
      writes += 1;
      await world.clock.advance(250);
    }
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_output_limit_exceeded");
    expect(summary.failure?.details).toMatchObject({ limit: "maxOutputBytes", max: 1024 * 1024, unit: "bytes" });
    expect(writes).toBeLessThanOrEqual(17);
    expect(world.lines()).toEqual([`${"y".repeat(1024)}${cutLineMarker(1024)}\n`]);
  });

  it("refuses a line that would pass maxOutputBytes instead of delivering part of the budget's overshoot", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, `${"a".repeat(600 * 1024)}\n${"b".repeat(600 * 1024)}\n`);
    world.follow({ maxOutputBytes: 1024 * 1024 });
    const summary = await world.settle();

    expect(world.lines()).toEqual([`${"a".repeat(600 * 1024)}\n`]);
    expect(summary.failure?.errorCode).toBe("k8s_pod_output_limit_exceeded");
  });

  it("does not deliver a final unfinished line past the cap at the end of the stream", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "1\n2\n3");
    world.finish();
    world.follow({ maxOutputLines: 2 });
    const summary = await world.settle();

    expect(world.lines()).toEqual(["1\n", "2\n"]);
    expect(summary.failure?.errorCode).toBe("k8s_pod_output_limit_exceeded");
  });

  it("refuses a maxLineBytes too small to hold one character", async () => {
    const world = new TailWorld();
    world.follow({ maxLineBytes: 3 });
    const summary = await world.settle();
    expect(summary.failure?.errorCode).toBe("internal_error");
    expect(summary.failure?.errorMessage).toContain("maxLineBytes=3 must be an integer >= 4");
  });
});
