/**
 * Time for the domain: every polling loop and deadline goes through this port, so tests drive
 * them with a manual clock instead of fake timers over real I/O.
 */
export type SleepOutcome = "elapsed" | "aborted";

export interface ClockPort {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Waits `ms`; resolves early with "aborted" when the signal fires. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<SleepOutcome>;
}

export const CLOCK_PORT = Symbol.for("claude-k8s.ClockPort");
