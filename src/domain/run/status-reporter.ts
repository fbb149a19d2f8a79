/**
 * Status lines are informational: a host that fails to record one must not fail or crash the run
 * (an unhandled rejection would take the whole server down), so every status write is settled here.
 */
import { phaseLine } from "../cluster/phase-line.js";
import type { RunObserver, RunPhase } from "./agent-run-request.js";

export interface StatusReporter {
  /** A whole `[claude-k8s] …` line, as the cluster waiters produce them. */
  line(whole: string, phase?: RunPhase): Promise<void>;
  /** Text that gets the `[claude-k8s]` prefix. */
  say(text: string, phase?: RunPhase): Promise<void>;
}

export function statusReporter(observer: RunObserver): StatusReporter {
  const line = (whole: string, phase?: RunPhase) => observer.onStatus(whole, phase).catch(() => undefined);
  return { line, say: (text, phase) => line(phaseLine(text), phase) };
}
