/**
 * Time for the domain: every polling loop and deadline goes through this port, so tests drive
 * them with a manual clock instead of fake timers over real I/O.
 */
import { portToken } from "./port-token.js";

export type SleepOutcome = "elapsed" | "aborted";

export interface ClockPort {
  /** Milliseconds since the epoch: for timestamps only (it can step back or jump ahead). */
  now(): number;
  /**
   * Milliseconds on a clock that never steps back (arbitrary origin): every deadline, budget and
   * elapsed-time measure uses this, so a wall-clock step never hangs or cuts short a wait.
   */
  monotonicMs(): number;
  /** Waits `ms`; resolves early with "aborted" when the signal fires. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<SleepOutcome>;
}

export const CLOCK_PORT = portToken<ClockPort>("ClockPort");
