/**
 * How each kind of ending is named as a failure: a result that reports one (out of turns, a
 * refusal, is_error named by its own words, else by stderr), a success Kubernetes contradicts, and a
 * run that left no result. Which of them applies is decided by the precedence in classify-outcome.ts.
 */
import { runFailure, type RunFailure } from "../errors.js";
import { numberField, stringField, type JsonRecord } from "../stream-json/json.js";
import { resultIsError, resultMessage } from "../stream-json/result.js";
import { describeExitCause, effectiveExitCode, exitCodeMismatch, wasKilled } from "./exit-cause.js";
import { firstSignal, matchSignal, signalFromApiStatus, type FailureSignal } from "./failure-signals.js";
import type { OutcomeEvidence } from "./run-outcome.js";
import type { StreamSummary } from "./stream-json-accumulator.js";

export function classifyResult(result: JsonRecord, e: OutcomeEvidence): RunFailure | null {
  const subtype = stringField(result, "subtype");
  const ownText = resultMessage(result).trim();
  if (subtype === "error_max_turns" || stringField(result, "terminal_reason") === "max_turns") {
    // claude's own "Reached maximum number of turns (1)" names the limit; num_turns counts the turn it stopped in.
    const turns = numberField(result, "num_turns");
    return runFailure("max_turns_exhausted", {
      job: e.jobName,
      detail: shorten(ownText) || `it stopped after ${turns ?? "?"} turns`,
    });
  }
  if (stringField(result, "stop_reason") === "refusal") {
    return signalFailure({ code: "claude_refusal", detail: shorten(ownText) || "stop_reason refusal" }, e);
  }
  // Out of turns and refusals returned above; what is left of the shared rule is is_error, else subtype.
  if (!resultIsError(result)) return null;
  const signal =
    matchSignal(ownText) ??
    signalFromApiStatus(numberField(result, "api_error_status"), ownText) ??
    firstSignal([e.stderrTail, e.stream.errorTextTail]);
  if (signal) return signalFailure(signal, e);
  // A result with no text of its own: claude's last stderr line is the operator's best clue.
  const lastLine = lastNonEmptyLine(e.stderrTail) ?? lastNonEmptyLine(e.stream.errorTextTail);
  const message = shorten(ownText) || (lastLine ? `no message; last error line: ${lastLine}` : "no message");
  return runFailure("claude_failed", {
    exitCode: effectiveExitCode(e.trailer, e.podTermination) ?? "?",
    job: e.jobName,
    detail: `result ${subtype ?? "?"} with is_error: ${message}`,
  });
}

/** A success result the container's terminated state contradicts: the pod's word is not enough. */
export function contradictedSuccess(e: OutcomeEvidence): RunFailure | null {
  const mismatch = exitCodeMismatch(e.trailer, e.podTermination);
  if (mismatch === null) return null;
  return runFailure("k8s_exit_code_mismatch", {
    claimed: mismatch.claimedByPod,
    actual: mismatch.container,
    reason: e.podTermination?.reason,
    job: e.jobName,
  });
}

export function classifyMissingResult(e: OutcomeEvidence): RunFailure | null {
  const cause = describeExitCause(e.trailer, e.podTermination);
  const wroteEvents = (e.stream.eventCount ?? (e.stream.sawAnyLine ? 1 : 0)) > 0;
  const exitCode = effectiveExitCode(e.trailer, e.podTermination) ?? "?";
  if (wasKilled(e.trailer, e.podTermination)) {
    return wroteEvents
      ? runFailure("claude_truncated", { job: e.jobName, cause })
      : runFailure("claude_failed", { exitCode, job: e.jobName, detail: `${cause}; it wrote no output` });
  }
  const signal = firstSignal([e.stderrTail, e.stream.errorTextTail]);
  if (signal) return signalFailure(signal, e);
  if (wroteEvents) return runFailure("claude_truncated", { job: e.jobName, cause: withCutLines(cause, e.stream) });
  const lastLine = lastNonEmptyLine(e.stderrTail) ?? lastNonEmptyLine(e.stream.errorTextTail);
  return runFailure("claude_failed", {
    exitCode,
    job: e.jobName,
    detail: lastLine
      ? `${cause}; last error line: ${lastLine}`
      : `${cause}; it wrote no output and no result event (see the run's stderr log)`,
  });
}

/** A line cut at maxLineBytes may have been the result: the operator learns it, and what to raise. */
function withCutLines(cause: string, stream: StreamSummary): string {
  const cut = stream.cutLineCount ?? 0;
  if (cut === 0) return cause;
  const lines =
    cut === 1 ? "1 stdout line longer than maxLineBytes was" : `${cut} stdout lines longer than maxLineBytes were`;
  return `${cause}; ${lines} cut and not read, so a result among them is lost (raise maxLineBytes)`;
}

function signalFailure(signal: FailureSignal, e: OutcomeEvidence): RunFailure {
  switch (signal.code) {
    case "session_unavailable":
      return runFailure("session_unavailable", {
        sessionId: e.resumedSessionId ?? e.stream.sessionId ?? "?",
        detail: signal.detail,
      });
    case "claude_auth_required":
      return runFailure("claude_auth_required", { job: e.jobName, detail: signal.detail });
    case "model_not_found":
      return runFailure("model_not_found", {
        model: e.requestedModel || e.stream.model || "(default)",
        detail: signal.detail,
      });
    default:
      return runFailure(signal.code, { job: e.jobName, detail: signal.detail });
  }
}

function lastNonEmptyLine(text: string): string | null {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim();
    if (line) return shorten(line);
  }
  return null;
}

function shorten(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
