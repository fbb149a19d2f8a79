import { describe, expect, it } from "vitest";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { TARGET, TailWorld } from "../tailer/tail-harness.js";

describe("deadlines run on the monotonic clock", () => {
  it("the drain window still closes after 5 s when the wall clock steps back 1 h mid-drain", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "partial output\n");
    const session = world.follow({ drainTimeoutMs: 5_000 });
    await world.clock.advance(500);
    session.markWriterTerminated();
    const drainStarted = world.clock.monotonicMs();
    await world.clock.advance(1_000);
    world.clock.stepWall(-3_600_000);
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_writer_died");
    expect(world.clock.monotonicMs() - drainStarted).toBeGreaterThanOrEqual(5_000);
    expect(world.clock.monotonicMs() - drainStarted).toBeLessThanOrEqual(6_000);
  });

  it("a wall clock jumping 1 h ahead does not cut the appear wait short", async () => {
    const world = new TailWorld();
    world.follow({ appearTimeoutMs: 30_000 });
    await world.clock.advance(1_000);
    world.clock.stepWall(3_600_000);
    await world.clock.advance(1_000);
    expect(world.done).toBe(false);
    world.fs.append(TARGET.stdoutPath, "late but in time\n");
    world.finish();
    const summary = await world.settle();

    expect(summary).toMatchObject({ ended: "complete", failure: null });
    expect(world.lines()).toEqual(["late but in time\n"]);
  });

  it("the system clock's monotonic reading never goes back and tracks elapsed time", async () => {
    const clock = new SystemClock();
    const readings = Array.from({ length: 1_000 }, () => clock.monotonicMs());
    expect(readings.every((value, i) => i === 0 || value >= readings[i - 1]!)).toBe(true);
    const before = clock.monotonicMs();
    await clock.sleep(20);
    expect(clock.monotonicMs() - before).toBeGreaterThanOrEqual(19);
  });
});
