/**
 * Where a run's status lines go: one sink per run, handed to every collaborator that reports, the
 * cluster waits and retries included. A line is a whole `[claude-k8s] …` line (see `phaseLine`).
 * Status lines are informational: a host that fails to record one must not fail or crash the run
 * (an unhandled rejection would take the whole server down), so every sink is settled before use.
 */
import type { RunObserver, RunPhase } from "./agent-run-request.js";

export type StatusSink = (line: string, phase?: RunPhase) => Promise<void> | void;

/** `sink` made harmless: a throw or a rejection is dropped, so only verdicts decide a run. */
export function settledSink(sink: StatusSink | undefined): StatusSink {
  return (line, phase) => {
    if (!sink) return;
    try {
      const written = sink(line, phase);
      if (written instanceof Promise) return written.catch(() => undefined);
    } catch {
      // Dropped on purpose: see above.
    }
  };
}

export function statusSinkOf(observer: Pick<RunObserver, "onStatus">): StatusSink {
  return settledSink((line, phase) => observer.onStatus(line, phase));
}
