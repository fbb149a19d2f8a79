import { describe, expect, it } from "vitest";
import { TARGET, TailWorld, trailerText } from "./tail-harness.js";

describe("LogTailer: end of stream", () => {
  it("after the pod terminated, drains bytes that become visible late and completes on the trailer", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "early\n");
    world.fs.create(TARGET.stderrPath);
    world.fs.holdVisibility(TARGET.stdoutPath);
    world.fs.append(TARGET.stdoutPath, '{"type":"result"}\n');
    world.finish();
    const session = world.follow();
    await world.clock.advance(1_000);
    session.markWriterTerminated();
    await world.clock.advance(10_000);
    expect(world.done).toBe(false);
    world.fs.releaseVisibility(TARGET.stdoutPath);
    const summary = await world.settle();

    expect(world.lines()).toEqual(["early\n", '{"type":"result"}\n']);
    expect(summary).toMatchObject({ ended: "complete", stdout: { bytes: 24, lines: 2 } });
  });

  it("reports k8s_pod_log_writer_died when the pod terminated and no trailer came within the drain window", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "partial output\nno newline");
    const session = world.follow({ drainTimeoutMs: 5_000 });
    await world.clock.advance(500);
    session.markWriterTerminated();
    const startedDrain = world.clock.now();
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_writer_died");
    expect(summary.failure?.errorMessage).toContain(TARGET.trailerPath);
    expect(world.clock.now() - startedDrain).toBeGreaterThanOrEqual(5_000);
    expect(world.clock.now() - startedDrain).toBeLessThanOrEqual(6_000);
    expect(world.lines()).toEqual(["partial output\n", "no newline\n"]);
  });

  it("reports k8s_pod_log_incomplete with the missing byte count when the trailer promises more than ever shows up", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "line\n");
    world.fs.create(TARGET.stderrPath);
    world.fs.append(TARGET.trailerPath, trailerText(0, 105, 0));
    world.follow();
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_incomplete");
    expect(summary.failure?.errorMessage).toContain(TARGET.stdoutPath);
    expect(summary.failure?.errorMessage).toContain("stdout read 5 of 105 bytes (100 missing)");
    expect(world.clock.now()).toBeGreaterThanOrEqual(30_000);
    expect(world.clock.now()).toBeLessThanOrEqual(31_000);
  });

  it("names the stderr file when the trailer counts stderr bytes but the file never appears", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "out\n");
    world.fs.append(TARGET.trailerPath, trailerText(2, 4, 12));
    world.follow({ drainTimeoutMs: 2_000 });
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_incomplete");
    expect(summary.failure?.errorMessage).toContain(TARGET.stderrPath);
    expect(summary.failure?.errorMessage).toContain("stderr the file never appeared, expected 12 bytes");
  });

  it("reports k8s_pod_log_overrun when the file holds more bytes than the trailer promised", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\ntwo\n");
    world.fs.append(TARGET.trailerPath, trailerText(0, 4, 0));
    world.follow();
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_overrun");
    expect(summary.failure?.errorMessage).toContain("holds 8 bytes but the pod's trailer promised 4");
    expect(world.lines()).toEqual(["one\n", "two\n"]);
  });

  it("still finds the trailer while a terminated pod's file keeps growing, and reports the overrun", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    world.fs.create(TARGET.stderrPath);
    const session = world.follow();
    world.fs.append(TARGET.stdoutPath, "two\n");
    await world.clock.advance(0);
    world.fs.append(TARGET.trailerPath, trailerText(0, 8, 0));
    session.markWriterTerminated();
    // From here on every poll sees the file grow.
    for (let poll = 0; poll < 200 && !world.done; poll++) {
      world.fs.append(TARGET.stdoutPath, "stray\n");
      await world.clock.advance(250);
    }
    const summary = await world.session!.done;

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_overrun");
    expect(world.clock.now()).toBeLessThan(1_000);
  });

  it("treats a malformed trailer as not yet written, and names it when the drain window closes", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "out\n");
    world.fs.append(TARGET.trailerPath, '{"version":1,"exitCode":');
    const session = world.follow({ drainTimeoutMs: 3_000 });
    session.markWriterTerminated();
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_incomplete");
    expect(summary.failure?.errorMessage).toContain(TARGET.trailerPath);
    expect(summary.failure?.errorMessage).toContain("the trailer is not valid");
  });
});
