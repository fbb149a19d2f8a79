/**
 * The server's own log, as opposed to a run's: what operators read when the shared cluster watch
 * fails, restarts or stalls, when the reconciler removes what a dead server left, or when the local
 * runtime takes over pods. Callers pass one printable line; the composition root's binding redacts
 * secrets and never lets a failing sink reach the caller.
 */
import { portToken } from "./port-token.js";

export interface LogPort {
  /** Something happened that an operator may want to know (an orphan removed, pods taken over). */
  info(line: string): void;
  /** Something went wrong and was handled (a watch restarted); worth a look when it repeats. */
  warn(line: string): void;
}

export const LOG_PORT = portToken<LogPort>("LogPort");
