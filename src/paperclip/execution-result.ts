/**
 * The Paperclip edge's last step: a domain RunReport (or a failure before any run) becomes the
 * host's AdapterExecutionResult. Nothing else in the code base knows Paperclip's result shape.
 */
import type { AdapterExecutionResult } from "@paperclipai/adapter-utils";
import type { RunFailure } from "../domain/errors.js";
import type { RunReport } from "../domain/run/agent-run-request.js";
import { claudeSessionCodec } from "../domain/session/session-codec.js";

export function failureResult(failure: RunFailure): AdapterExecutionResult {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    errorCode: failure.errorCode,
    errorMessage: failure.errorMessage,
    errorMeta: { ...failure.details },
  };
}

/** Where the run's session lives: its working directory and claude's config directory in the agent's HOME. */
export interface SessionPlace {
  readonly cwd: string;
  readonly configDir: string | null;
}

/**
 * What the server did not verify, said next to the pod's own result event (set last, so the event
 * cannot overwrite them): cost and usage are the agent's report; where the exit code came from; a
 * trailer that disagreed with Kubernetes; session ids the stream carried that were not the run's.
 */
function integrityMarks(report: RunReport): Record<string, unknown> {
  const { outcome } = report;
  return {
    costReportedBy: "agent",
    usageReportedBy: "agent",
    exitCodeSource: outcome.processExit.source,
    ...(outcome.exitCodeMismatch ? { exitCodeMismatch: outcome.exitCodeMismatch } : {}),
    ...(outcome.ignoredSessionIds.length > 0 ? { ignoredSessionIds: outcome.ignoredSessionIds } : {}),
  };
}

export function executionResult(report: RunReport, place: SessionPlace): AdapterExecutionResult {
  const { outcome } = report;
  const sessionParams = outcome.sessionId
    ? claudeSessionCodec.serialize({ sessionId: outcome.sessionId, cwd: place.cwd, configDir: place.configDir })
    : null;
  const resultJson: Record<string, unknown> | null =
    outcome.resultEvent || outcome.cancellation || outcome.usage
      ? {
          ...(outcome.resultEvent ?? {}),
          // The host's shape; `forced` is always false: deleting the Job is the one way a run is stopped.
          ...(outcome.cancellation ? { executionCancellation: { ...outcome.cancellation, forced: false } } : {}),
          ...integrityMarks(report),
        }
      : null;
  return {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    errorCode: outcome.failure?.errorCode ?? null,
    errorMessage: outcome.failure?.errorMessage ?? null,
    errorFamily: outcome.errorFamily,
    retryNotBefore: outcome.retryNotBefore,
    ...(outcome.failure
      ? { errorMeta: { ...outcome.failure.details, job: report.jobName, namespace: report.namespace } }
      : {}),
    ...(outcome.usage ? { usage: outcome.usage, usageBasis: "per_run" as const } : {}),
    sessionId: outcome.sessionId,
    sessionParams,
    sessionDisplayId: outcome.sessionId,
    provider: outcome.provider,
    biller: outcome.biller,
    billingType: outcome.billingType,
    model: outcome.model,
    costUsd: outcome.costUsd,
    resultJson,
    summary: outcome.summary,
    clearSession: outcome.clearSession,
  };
}
