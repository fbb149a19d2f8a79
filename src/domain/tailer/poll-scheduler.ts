/**
 * One timer for every tail's pause between polls. Thousands of runs in one process each sleeping
 * on a timer of their own cost a timer, an abort listener and their promises per run per poll;
 * here every pause is an entry in one heap ordered by when it ends, and ONE clock sleep waits
 * for the earliest. Each run still chooses its own pause (the cadence is the run's), and a pause
 * can be cut short (`wake`) by the writer's end or a cancel, as a run's own sleep could.
 */
import type { ClockPort } from "../../ports/clock-port.js";

export type PauseOutcome = "elapsed" | "woken";

/** One run's pause: settles when it has lasted its length or when woken, whichever is first. */
export interface Pause {
  readonly done: Promise<PauseOutcome>;
  /** Ends the pause now (no effect once it has ended). */
  wake(): void;
}

interface Sleeper {
  readonly due: number;
  /** Order of arrival: equal due times wake in the order they paused. */
  readonly order: number;
  settled: boolean;
  readonly settle: (outcome: PauseOutcome) => void;
}

export class PollScheduler {
  private readonly heap: Sleeper[] = [];
  private arrivals = 0;
  /** Pauses not yet ended (the heap also holds woken ones until they reach its top). */
  private live = 0;
  /** The clock sleep in progress: when it ends, and how to cut it short for an earlier pause. */
  private timer: { readonly until: number; readonly abort: AbortController } | null = null;

  constructor(private readonly clock: ClockPort) {}

  /** Pauses waiting now, for tests and benchmarks. */
  get waiting(): number {
    return this.live;
  }

  pause(ms: number): Pause {
    let settle!: (outcome: PauseOutcome) => void;
    const done = new Promise<PauseOutcome>((resolve) => (settle = resolve));
    const sleeper: Sleeper = {
      due: this.clock.monotonicMs() + Math.max(0, ms),
      order: this.arrivals++,
      settled: false,
      settle: (outcome) => {
        if (sleeper.settled) return;
        sleeper.settled = true;
        this.live -= 1;
        // Nobody left to wake: let the clock go (a process with no runs keeps no timer).
        if (this.live === 0) {
          this.heap.length = 0;
          this.disarm();
        }
        settle(outcome);
      },
    };
    this.live += 1;
    this.push(sleeper);
    this.armFor(sleeper.due);
    return { done, wake: () => sleeper.settle("woken") };
  }

  /** Makes sure the clock sleep ends no later than `due`. */
  private armFor(due: number): void {
    if (this.timer !== null && this.timer.until <= due) return;
    this.disarm();
    void this.sleepUntil(due);
  }

  private disarm(): void {
    this.timer?.abort.abort();
    this.timer = null;
  }

  private async sleepUntil(until: number): Promise<void> {
    const abort = new AbortController();
    const timer = { until, abort };
    this.timer = timer;
    const outcome = await this.clock.sleep(until - this.clock.monotonicMs(), abort.signal);
    // Replaced by an earlier sleep (that one owns the heap now), or nobody is left to wake.
    if (outcome === "aborted" || this.timer !== timer) return;
    this.timer = null;
    this.wakeDue();
  }

  /** Ends every pause that is due, then sleeps until the next one. */
  private wakeDue(): void {
    const now = this.clock.monotonicMs();
    for (;;) {
      const first = this.heap[0];
      if (first === undefined) return;
      if (first.settled) {
        this.pop();
        continue;
      }
      if (first.due > now) {
        this.armFor(first.due);
        return;
      }
      this.pop();
      first.settle("elapsed");
    }
  }

  // ---- a binary min-heap on (due, order) ------------------------------------------------------

  private before(a: Sleeper, b: Sleeper): boolean {
    return a.due < b.due || (a.due === b.due && a.order < b.order);
  }

  private push(sleeper: Sleeper): void {
    const heap = this.heap;
    heap.push(sleeper);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i] as Sleeper, heap[parent] as Sleeper)) break;
      [heap[i], heap[parent]] = [heap[parent] as Sleeper, heap[i] as Sleeper];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.before(heap[left] as Sleeper, heap[smallest] as Sleeper)) smallest = left;
      if (right < heap.length && this.before(heap[right] as Sleeper, heap[smallest] as Sleeper)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest] as Sleeper, heap[i] as Sleeper];
      i = smallest;
    }
  }
}
