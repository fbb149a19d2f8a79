import { describe, expect, it } from "vitest";
import { TARGET, TailWorld } from "./tail-harness.js";

/** A stdout line every 250 ms (half-way between polls) to a sink that takes `sinkMs` of clock time per line; when each line was delivered. */
async function deliveryTimes(sinkMs: number): Promise<number[]> {
  const world = new TailWorld();
  world.fs.create(TARGET.stderrPath);
  world.fs.append(TARGET.stdoutPath, "line 0\n");
  const deliveredAt: number[] = [];
  world.follow({ fastPollMs: 250, slowPollMs: 1_000 }, async () => {
    deliveredAt.push(world.clock.monotonicMs());
    await world.clock.sleep(sinkMs);
  });
  await world.clock.advance(125);
  for (let i = 1; i <= 6; i++) {
    world.fs.append(TARGET.stdoutPath, `line ${i}\n`);
    await world.clock.advance(250);
  }
  return deliveredAt;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));

describe("LogTailer: the fast cadence is a rate of polls", () => {
  it("starts polls 250 ms apart while each poll's delivery takes 100 ms (a slow poll does not stretch the cadence)", async () => {
    const times = await deliveryTimes(100);

    expect(times).toHaveLength(7);
    expect(gaps(times)).toEqual([250, 250, 250, 250, 250, 250]);
  });

  it("still pauses half the cadence after a poll slower than the cadence, so an overloaded process is not polled back to back", async () => {
    const world = new TailWorld();
    world.fs.create(TARGET.stderrPath);
    world.fs.append(TARGET.stdoutPath, "slow\n");
    const deliveredAt = new Map<string, number>();
    world.follow({ fastPollMs: 250, slowPollMs: 1_000 }, async (_stream, chunk) => {
      deliveredAt.set(chunk, world.clock.monotonicMs());
      if (chunk === "slow\n") await world.clock.sleep(400);
    });
    await world.clock.advance(450);
    world.fs.append(TARGET.stdoutPath, "next\n");
    await world.clock.advance(300);

    // The first poll ended at 400: the next starts 125 ms later (not at once, and not 250 ms later).
    expect(deliveredAt.get("next\n")).toBe(525);
  });
});
