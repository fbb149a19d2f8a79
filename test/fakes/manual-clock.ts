import type { ClockPort, SleepOutcome } from "../../src/ports/clock-port.js";

interface PendingSleep {
  readonly until: number;
  readonly resolve: (outcome: SleepOutcome) => void;
  readonly cleanup: () => void;
}

/** Lets pending promise callbacks (fake I/O, awaits) run before the clock moves again. */
export async function flushAsync(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when the test says so. Every sleep is recorded, so polling cadence is
 * asserted on the clock (`sleeps`) rather than on wall time. Sleeps and `monotonicMs` follow the
 * monotonic time `advance` moves; `stepWall` moves only the wall clock (`now`), like an NTP step.
 */
export class ManualClock implements ClockPort {
  /** Every requested sleep duration, in order. */
  readonly sleeps: number[] = [];
  /** Monotonic time; the wall clock is this plus `wallOffset`. */
  private current: number;
  private wallOffset = 0;
  private pending: PendingSleep[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current + this.wallOffset;
  }

  monotonicMs(): number {
    return this.current;
  }

  /** Steps the wall clock by `deltaMs` (negative: back) without moving monotonic time or sleeps. */
  stepWall(deltaMs: number): void {
    this.wallOffset += deltaMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<SleepOutcome> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.resolve("aborted");
    return new Promise<SleepOutcome>((resolve) => {
      const onAbort = () => {
        this.pending = this.pending.filter((p) => p !== entry);
        resolve("aborted");
      };
      const entry: PendingSleep = {
        until: this.current + Math.max(0, ms),
        resolve,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.push(entry);
    });
  }

  /** Number of sleeps waiting for the clock. */
  get pendingSleeps(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, waking each sleeper in due order and letting it run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushAsync();
    for (;;) {
      const next = this.earliest();
      if (!next || next.until > target) break;
      this.current = Math.max(this.current, next.until);
      this.wake(next);
      await flushAsync();
    }
    this.current = target;
    await flushAsync();
  }

  /** Jumps to the earliest pending sleep and wakes it; returns false when nothing sleeps. */
  async advanceToNextSleep(): Promise<boolean> {
    await flushAsync();
    const next = this.earliest();
    if (!next) return false;
    this.current = Math.max(this.current, next.until);
    this.wake(next);
    await flushAsync();
    return true;
  }

  /**
   * Keeps waking sleepers until `done()` is true. Bounded so a broken loop fails the test
   * instead of hanging it.
   */
  async runUntil(done: () => boolean, maxSteps = 100_000): Promise<void> {
    for (let step = 0; step < maxSteps; step++) {
      await flushAsync();
      if (done()) return;
      if (!(await this.advanceToNextSleep())) {
        await flushAsync();
        if (done()) return;
        throw new Error("ManualClock.runUntil: nothing is sleeping and the condition is still false");
      }
    }
    throw new Error(`ManualClock.runUntil: condition still false after ${maxSteps} steps`);
  }

  private earliest(): PendingSleep | undefined {
    let best: PendingSleep | undefined;
    for (const p of this.pending) if (!best || p.until < best.until) best = p;
    return best;
  }

  private wake(entry: PendingSleep): void {
    this.pending = this.pending.filter((p) => p !== entry);
    entry.cleanup();
    entry.resolve("elapsed");
  }
}
