import { performance } from "node:perf_hooks";
import type { ClockPort, SleepOutcome } from "../ports/clock-port.js";

/** Wall-clock time, the process's monotonic clock, and timer-based sleeps (timers are monotonic). */
export class SystemClock implements ClockPort {
  now(): number {
    return Date.now();
  }

  monotonicMs(): number {
    return performance.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<SleepOutcome> {
    if (signal?.aborted) return Promise.resolve("aborted");
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve("aborted");
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener("abort", onAbort);
          resolve("elapsed");
        },
        Math.max(0, ms),
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
