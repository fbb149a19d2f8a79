import { describe, expect, it } from "vitest";
import { LogTailer, type LogStream } from "../../../src/domain/tailer/log-tailer.js";
import { PollScheduler } from "../../../src/domain/tailer/poll-scheduler.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { flushAsync, ManualClock } from "../../fakes/manual-clock.js";

const targetOf = (i: number) => ({
  root: "/paperclip/run-logs",
  stdoutPath: `/paperclip/run-logs/c/a${i}/r.pod.ndjson`,
  stderrPath: `/paperclip/run-logs/c/a${i}/r.pod.stderr.log`,
  trailerPath: `/paperclip/run-logs/c/a${i}/r.pod.trailer.json`,
});

describe("PollScheduler: one clock sleep for every run's pause", () => {
  it("wakes each pause at its own time, in order, with a single pending clock sleep", async () => {
    const clock = new ManualClock(0);
    const scheduler = new PollScheduler(clock);
    const woke: string[] = [];
    for (const [name, ms] of [
      ["b", 1_000],
      ["a", 250],
      ["c", 1_000],
    ] as const) {
      void scheduler.pause(ms).done.then((outcome) => woke.push(`${name}@${clock.now()}:${outcome}`));
    }
    await flushAsync();
    expect(clock.pendingSleeps).toBe(1);

    await clock.advance(1_000);
    expect(woke).toEqual(["a@250:elapsed", "b@1000:elapsed", "c@1000:elapsed"]);
    expect(scheduler.waiting).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
  });

  it("a woken pause ends at once and the clock is let go when nobody waits", async () => {
    const clock = new ManualClock(0);
    const scheduler = new PollScheduler(clock);
    const pause = scheduler.pause(1_000);
    pause.wake();

    expect(await pause.done).toBe("woken");
    await flushAsync();
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe("LogTailer: many runs share the scheduler and keep their own cadence", () => {
  it("50 runs, one pending clock sleep; a busy run polls at 250 ms while quiet ones poll at 1 s", async () => {
    const fs = new InMemoryFileSystem();
    const clock = new ManualClock(0);
    const tailer = new LogTailer(fs, clock);
    const lines: string[] = [];
    for (let i = 0; i < 50; i++) {
      fs.append(targetOf(i).stdoutPath, `run ${i}\n`);
      tailer.follow(targetOf(i), (_stream: LogStream, chunk: string) => void lines.push(chunk));
    }
    await clock.advance(10_000); // every run is in its slow cadence now
    expect(clock.pendingSleeps).toBe(1);
    expect(lines).toHaveLength(50);

    // Run 7 writes every 100 ms for 2 s: it is read within the fast cadence, the others stay slow.
    const seenAt: number[] = [];
    for (let step = 0; step < 20; step++) {
      fs.append(targetOf(7).stdoutPath, `busy ${step}\n`);
      const before = lines.length;
      await clock.advance(100);
      if (lines.length > before) seenAt.push(clock.now());
    }
    const gaps = seenAt.slice(2).map((t, i) => t - (seenAt[i + 1] as number));
    expect(lines.filter((l) => l.startsWith("busy"))).toHaveLength(20);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300);
    expect(clock.pendingSleeps).toBe(1);
  });
});
