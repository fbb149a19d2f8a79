/**
 * Where a run's status lines go: one sink per run, handed to every collaborator that reports. A line
 * is a whole `[claude-k8s] …` line (see `phaseLine`). Status lines are informational: a host that
 * fails to record one must not fail or crash the run (an unhandled rejection would take the whole
 * server down), so the run's sink settles every write.
 */
import type { RunObserver, RunPhase } from "./agent-run-request.js";

export type StatusSink = (line: string, phase?: RunPhase) => Promise<void> | void;

export function statusSinkOf(observer: Pick<RunObserver, "onStatus">): StatusSink {
  return (line, phase) => observer.onStatus(line, phase).catch(() => undefined);
}
