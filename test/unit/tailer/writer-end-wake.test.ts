import { describe, expect, it } from "vitest";
import { flushAsync } from "../../fakes/manual-clock.js";
import { TARGET, TailWorld } from "./tail-harness.js";

describe("LogTailer: the writer's end cuts the pause short", () => {
  it("reads the trailer as soon as the pod is reported terminated, not after the slow poll's pause", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, '{"type":"result"}\n');
    world.fs.create(TARGET.stderrPath);
    const session = world.follow();
    await world.clock.advance(30_000); // long idle: the tailer is in its 1 s pause
    world.finish();
    const endedAt = world.clock.now();
    session.markWriterTerminated();
    await flushAsync(50);

    expect(world.done).toBe(true);
    expect(world.clock.now()).toBe(endedAt);
    expect((await session.done).ended).toBe("complete");
  });

  it("polls at the fast cadence while draining bytes that become visible late", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "early\n");
    world.fs.create(TARGET.stderrPath);
    const session = world.follow();
    await world.clock.advance(30_000);
    world.fs.holdVisibility(TARGET.stdoutPath);
    world.fs.append(TARGET.stdoutPath, "late\n");
    world.finish();
    session.markWriterTerminated();
    await flushAsync(50);
    const sleepsBefore = world.clock.sleeps.length;
    await world.clock.advance(1_000);
    world.fs.releaseVisibility(TARGET.stdoutPath);
    const releasedAt = world.clock.now();
    await world.settle();

    expect(world.clock.sleeps.slice(sleepsBefore).every((ms) => ms === 250)).toBe(true);
    expect(world.clock.now() - releasedAt).toBeLessThanOrEqual(250);
    expect(world.lines()).toEqual(["early\n", "late\n"]);
  });

  it("still ends as cancelled when the caller aborts during a pause", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    const abort = new AbortController();
    const session = world.follow({ signal: abort.signal });
    await world.clock.advance(5_000);
    abort.abort();
    await flushAsync(50);

    expect(world.done).toBe(true);
    expect((await session.done).ended).toBe("cancelled");
  });
});
