/**
 * Decides how a run ended, from everything observed about it, and gathers what the result reports
 * (usage, cost, model, session, summary, billing).
 *
 * Precedence — the one place it is decided (first match wins):
 *  1. Operator cancellation → `cancelled` (acknowledged, so the host can confirm the cancel); a cancel
 *     whose Job delete failed → that API failure.
 *  2. A failure already decided before or while tailing, in this order: the launch or the pod's start
 *     (k8s_image_pull_failed, ...), the wait for the pod's end, then the tail (log file
 *     missing/incomplete, output caps, ...) — except `k8s_pod_log_writer_died`: a missing trailer is
 *     what any killed pod leaves behind, so it is only the verdict when nothing below explains the
 *     run better (a result, the deadline, a kill).
 *  3. A result event exists → claude finished its loop, so the result decides even if the Job then hit
 *     its deadline, was deleted, or claude exited non-zero/was SIGTERMed while shutting down
 *     (Paperclip PR #8077: exit 143 after a successful result is not a failure):
 *       a. `subtype: "error_max_turns"` → `max_turns_exhausted`; `stop_reason: "refusal"` → `claude_refusal`;
 *       b. `is_error` decides success vs failure (it wins over `subtype`; `subtype` only when it is absent);
 *       c. a failed result is named by its own text, then its `api_error_status`, then stderr, then
 *          the stream's error lines: session_unavailable, claude_auth_required, claude_auth_forbidden,
 *          model_not_found, provider_quota, claude_transient_upstream, claude_refusal; else `claude_failed`;
 *       d. a success is believed only if Kubernetes does not contradict it: a trailer whose exit code
 *          differs from the container's terminated state → `k8s_exit_code_mismatch` (a pod can print
 *          a result and a trailer with exit 0, then be killed).
 *  4. No result: the Job's deadline (DeadlineExceeded) → `timeout`.
 *  5. No result: the Job was deleted by someone else → `k8s_job_deleted_externally`.
 *  6. No result: claude or the pod was killed (OOMKilled, SIGKILL/137, SIGTERM/143, any signal) →
 *     `claude_truncated` naming the cause (or `claude_failed` when it wrote nothing at all).
 *  7. No result: stderr or the stream's error lines name the cause (same codes as 3c).
 *  8. No result, but stream-json output → `claude_truncated` naming the exit cause (exit 0 included).
 *  9. The trailer was never written (`k8s_pod_log_writer_died`) and the pod was not seen killed → that.
 * 10. Nothing usable at all → `claude_failed` with the exit code and the last error line.
 */
import { runFailure, type ErrorCode, type RunFailure } from "../errors.js";
import type { StreamedRun } from "../run/run-streamer.js";
import { resolveBilling } from "./billing.js";
import { effectiveExitCode, exitCodeMismatch, exitCodeSource, terminatingSignal, wasKilled } from "./exit-cause.js";
import { classifyMissingResult, classifyResult, contradictedSuccess } from "./failure-naming.js";
import { asRecord, stringField, type JsonRecord } from "../stream-json/json.js";
import { resultErrors } from "../stream-json/result.js";
import { retryNotBefore, type RetryKind } from "./retry-time.js";
import { acceptSession } from "./run-session.js";
import type { ErrorFamily, OutcomeEvidence, RunOutcome } from "./run-outcome.js";
import { emptyStreamSummary } from "./stream-json-accumulator.js";
import { costFromResult, usageFromResult } from "../stream-json/usage.js";

export type { ErrorFamily, OutcomeEvidence, RunOutcome } from "./run-outcome.js";

/** How a run ended, as it learned it; set once, then read only here. */
export interface RunEnding {
  /** The operator's cancel: acknowledged, or the failure of its Job delete; null when none came. */
  readonly cancel: { readonly acknowledgedAt: string } | { readonly failure: RunFailure } | null;
  /** Decided before any output was streamed: a failed launch, a pod that never started. */
  readonly failure: RunFailure | null;
  readonly streamed: StreamedRun | null;
}

/** What is known of the run itself, whatever its ending. */
export type RunFacts = Omit<
  OutcomeEvidence,
  | "stream"
  | "trailer"
  | "podTermination"
  | "jobFailureReason"
  | "cancelled"
  | "jobDeletedExternally"
  | "earlierFailure"
  | "stderrTail"
>;

export function classifyEnding(ending: RunEnding, run: RunFacts): RunOutcome {
  const { cancel, streamed } = ending;
  const podEnd = streamed?.podEnd ?? null;
  const terminated = podEnd?.kind === "terminated" ? podEnd : null;
  return classifyOutcome({
    ...run,
    stream: streamed?.stream ?? emptyStreamSummary(),
    trailer: streamed?.tail.trailer ?? null,
    podTermination: terminated?.terminated ?? null,
    jobFailureReason: terminated?.jobFailureReason ?? null,
    cancelled: cancel && "acknowledgedAt" in cancel ? cancel : null,
    jobDeletedExternally: podEnd?.kind === "job-deleted" && cancel === null,
    earlierFailure:
      (cancel && "failure" in cancel ? cancel.failure : null) ??
      ending.failure ??
      (podEnd?.kind === "failed" ? podEnd.failure : null) ??
      streamed?.tail.failure ??
      null,
    stderrTail: streamed?.stderrTail ?? "",
  });
}

const DEADLINE_REASON = "DeadlineExceeded";
/** The tailer's verdict when no trailer appeared: a symptom of a killed pod more than a cause. */
const MISSING_TRAILER: ErrorCode = "k8s_pod_log_writer_died";

const FAMILY_BY_CODE: Partial<Record<ErrorCode, ErrorFamily>> = {
  claude_transient_upstream: "transient_upstream",
  provider_quota: "provider_quota",
  claude_refusal: "model_refusal",
};

export function classifyOutcome(evidence: OutcomeEvidence): RunOutcome {
  const failure = decideFailure(evidence);
  const code = failure?.errorCode ?? null;
  const clearSession = code === "session_unavailable";
  const result = evidence.stream.result;
  const billing = resolveBilling(evidence.billingEnv, evidence.stream.init);
  const processExit = {
    exitCode: effectiveExitCode(evidence.trailer, evidence.podTermination),
    signal: terminatingSignal(evidence.trailer, evidence.podTermination),
    source: exitCodeSource(evidence.trailer, evidence.podTermination),
  };
  const session = acceptSession({
    runSessionId: evidence.runSessionId,
    resumedSessionId: evidence.resumedSessionId,
    reportedSessionIds: evidence.stream.sessionIds ?? (evidence.stream.sessionId ? [evidence.stream.sessionId] : []),
    cleared: clearSession,
  });
  return {
    failure,
    errorFamily: code === null ? null : (FAMILY_BY_CODE[code] ?? null),
    timedOut: code === "timeout",
    exitCode: failure === null ? 0 : processExit.exitCode,
    signal: failure === null ? null : processExit.signal,
    processExit,
    exitCodeMismatch: exitCodeMismatch(evidence.trailer, evidence.podTermination),
    ignoredSessionIds: session.ignoredSessionIds,
    clearSession,
    retryNotBefore: code === "provider_quota" || code === "claude_transient_upstream" ? retryAt(evidence, code) : null,
    usage: (result ? usageFromResult(result) : null) ?? evidence.stream.assistantUsage ?? null,
    costUsd: result ? costFromResult(result) : null,
    model: evidence.stream.model ?? firstModelOf(result),
    sessionId: session.sessionId,
    summary: stringField(result, "result") ?? (evidence.stream.assistantTextTail || null),
    resultEvent: result,
    provider: "anthropic",
    biller: billing.biller,
    billingType: billing.billingType,
    cancellation: evidence.cancelled
      ? { state: "acknowledged", acknowledgedAt: evidence.cancelled.acknowledgedAt }
      : null,
  };
}

function decideFailure(e: OutcomeEvidence): RunFailure | null {
  const job = e.jobName;
  if (e.cancelled) return runFailure("cancelled", { job });
  const missingTrailer = e.earlierFailure?.errorCode === MISSING_TRAILER ? e.earlierFailure : null;
  if (e.earlierFailure && !missingTrailer) return e.earlierFailure;
  const result = e.stream.result;
  if (result) return classifyResult(result, e) ?? contradictedSuccess(e);
  const deadline = deadlineNote(e);
  if (deadline !== null) return runFailure("timeout", { timeoutSec: e.timeoutSec, job, reason: deadline });
  if (e.jobDeletedExternally) return runFailure("k8s_job_deleted_externally", { job });
  if (missingTrailer && !wasKilled(e.trailer, e.podTermination)) return missingTrailer;
  return classifyMissingResult(e);
}

function deadlineNote(e: OutcomeEvidence): string | null {
  if (e.jobFailureReason === DEADLINE_REASON) return "the Job's activeDeadlineSeconds expired (DeadlineExceeded)";
  if (e.podTermination?.reason === DEADLINE_REASON) {
    return "the pod was stopped at its deadline (DeadlineExceeded)";
  }
  return null;
}

function retryAt(e: OutcomeEvidence, kind: RetryKind): string {
  return retryNotBefore({
    kind,
    nowMs: e.nowMs,
    texts: [
      stringField(e.stream.result, "result") ?? "",
      e.stream.result ? resultErrors(e.stream.result).join("\n") : "",
      e.stderrTail,
      e.stream.errorTextTail,
    ],
    rateLimitResetsAtMs: e.stream.rateLimit?.status === "rejected" ? e.stream.rateLimit.resetsAtMs : null,
  });
}

function firstModelOf(result: JsonRecord | null): string | null {
  const modelUsage = asRecord(result?.modelUsage);
  return modelUsage ? (Object.keys(modelUsage)[0] ?? null) : null;
}
