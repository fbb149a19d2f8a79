import { describe, expect, it } from "vitest";
import { classifyOutcome } from "../../../src/domain/outcome/classify-outcome.js";
import { runFailure } from "../../../src/domain/errors.js";
import { StreamJsonAccumulator } from "../../../src/domain/outcome/stream-json-accumulator.js";
import { evidence, JOB, NOW_MS, RESUMED_SESSION, summarize, trailer } from "./transcript-fixtures.js";

const SESSION = "5f1c2a9e-7b3d-4e61-9a0f-2c8d4b6e1a37";

describe("classifyOutcome on labelled transcripts (one per outcome)", () => {
  it("success: reports modelUsage totals, cost, model, session, summary and the result event", () => {
    const stream = summarize("success");
    const outcome = classifyOutcome(evidence(stream));

    expect(outcome.failure).toBeNull();
    expect(outcome.errorFamily).toBeNull();
    expect(outcome.timedOut).toBe(false);
    expect(outcome.exitCode).toBe(0);
    expect(outcome.signal).toBeNull();
    // sonnet 17 + 6144 cache writes, plus haiku 1200; cache reads 81920; outputs 1450 + 310.
    expect(outcome.usage).toEqual({ inputTokens: 17 + 6144 + 1200, outputTokens: 1760, cachedInputTokens: 81920 });
    expect(outcome.costUsd).toBe(0.1042);
    expect(outcome.model).toBe("claude-sonnet-4-5-20250929");
    expect(outcome.sessionId).toBe(SESSION);
    expect(outcome.summary).toContain("empty input now returns an empty list");
    expect(outcome.resultEvent?.type).toBe("result");
    expect(outcome.clearSession).toBe(false);
    expect(outcome).toMatchObject({ provider: "anthropic", biller: "anthropic", billingType: "api" });
  });

  it("claude_auth_required: subtype success with is_error true is a failure, named from the result text", () => {
    const outcome = classifyOutcome(
      evidence(summarize("auth-required-is-error"), { billingEnv: { useBedrock: false, hasApiKey: false } }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_auth_required");
    expect(outcome.failure?.errorMessage).toContain(JOB);
    expect(outcome.failure?.errorMessage).toContain("Invalid API key");
    expect(outcome.billingType).toBe("subscription");
  });

  it("max_turns_exhausted: names the turn count, keeps the session and falls back to assistant text for the summary", () => {
    const outcome = classifyOutcome(evidence(summarize("max-turns"), { trailer: trailer(1) }));

    expect(outcome.failure?.errorCode).toBe("max_turns_exhausted");
    expect(outcome.failure?.errorMessage).toContain("5 turns");
    expect(outcome.clearSession).toBe(false);
    expect(outcome.sessionId).toBe(SESSION);
    expect(outcome.summary).toBe("I'll start by looking at the failing test in `src/parser.ts`.");
  });

  it("session_unavailable: an unknown --resume session clears the session and reports none", () => {
    const outcome = classifyOutcome(
      evidence(summarize("session-unavailable"), { trailer: trailer(1), resumedSessionId: RESUMED_SESSION }),
    );

    expect(outcome.failure?.errorCode).toBe("session_unavailable");
    expect(outcome.failure?.errorMessage).toContain(RESUMED_SESSION);
    expect(outcome.clearSession).toBe(true);
    expect(outcome.sessionId).toBeNull();
  });

  it("provider_quota: retryNotBefore is the reset time of the rejected rate-limit event", () => {
    const outcome = classifyOutcome(evidence(summarize("provider-quota"), { trailer: trailer(1) }));

    expect(outcome.failure?.errorCode).toBe("provider_quota");
    expect(outcome.errorFamily).toBe("provider_quota");
    expect(outcome.retryNotBefore).toBe(new Date(1764007200 * 1000).toISOString());
    expect(outcome.failure?.errorMessage).toContain("5-hour limit reached");
  });

  it("claude_transient_upstream: a 529 overloaded result retries after the default backoff", () => {
    const outcome = classifyOutcome(evidence(summarize("transient-upstream"), { trailer: trailer(1) }));

    expect(outcome.failure?.errorCode).toBe("claude_transient_upstream");
    expect(outcome.errorFamily).toBe("transient_upstream");
    expect(outcome.retryNotBefore).toBe(new Date(NOW_MS + 60_000).toISOString());
  });

  it("claude_refusal: a usage-policy refusal is a model_refusal failure", () => {
    const outcome = classifyOutcome(evidence(summarize("refusal"), { trailer: trailer(1) }));

    expect(outcome.failure?.errorCode).toBe("claude_refusal");
    expect(outcome.errorFamily).toBe("model_refusal");
    expect(outcome.retryNotBefore).toBeNull();
  });

  it("model_not_found: names the model claude was started with", () => {
    const outcome = classifyOutcome(evidence(summarize("model-not-found"), { trailer: trailer(1) }));

    expect(outcome.failure?.errorCode).toBe("model_not_found");
    expect(outcome.failure?.errorMessage).toContain("claude-opus-9");
  });

  it("claude_failed: an error result with no recognisable cause carries its own error text", () => {
    const outcome = classifyOutcome(evidence(summarize("failed-during-execution"), { trailer: trailer(1) }));

    expect(outcome.failure?.errorCode).toBe("claude_failed");
    expect(outcome.failure?.errorMessage).toContain("Cannot read properties of undefined");
    expect(outcome.failure?.errorMessage).toContain("code 1");
  });

  it("claude_truncated: output without a result names the pod's OOMKilled exit and bills the assistant usage", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: null,
        podTermination: { exitCode: 137, reason: "OOMKilled" },
      }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_truncated");
    expect(outcome.failure?.errorMessage).toContain("OOMKilled");
    expect(outcome.signal).toBe("SIGKILL");
    expect(outcome.exitCode).toBe(137);
    expect(outcome.usage?.outputTokens).toBeGreaterThan(0);
    expect(outcome.summary).toContain("running the whole suite");
    expect(outcome.resultEvent).toBeNull();
  });

  it("claude_truncated: says a line cut at maxLineBytes may have held the result, and what to raise", () => {
    const accumulator = new StreamJsonAccumulator();
    accumulator.push('{"type":"system","subtype":"init","session_id":"s-1"}');
    accumulator.pushCut(1024);
    const outcome = classifyOutcome(evidence(accumulator.summary, { trailer: trailer(0), podTermination: null }));

    expect(outcome.failure?.errorCode).toBe("claude_truncated");
    expect(outcome.failure?.errorMessage).toContain(
      "1 stdout line longer than maxLineBytes was cut and not read, so a result among them is lost (raise maxLineBytes)",
    );
  });

  it("timeout: a Job past its deadline without a result is timedOut", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: null,
        podTermination: { exitCode: 137, signal: 9, reason: "Error" },
        jobFailureReason: "DeadlineExceeded",
        timeoutSec: 900,
      }),
    );

    expect(outcome.failure?.errorCode).toBe("timeout");
    expect(outcome.timedOut).toBe(true);
    expect(outcome.failure?.errorMessage).toContain("900 s");
  });

  it("cancelled: acknowledges the operator's cancel with its time and keeps the session", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: null,
        podTermination: null,
        cancelled: { acknowledgedAt: "2025-11-24T12:00:00.000Z" },
        jobDeletedExternally: true,
      }),
    );

    expect(outcome.failure?.errorCode).toBe("cancelled");
    expect(outcome.cancellation).toEqual({
      state: "acknowledged",
      acknowledgedAt: "2025-11-24T12:00:00.000Z",
    });
    expect(outcome.sessionId).toBe(SESSION);
  });

  it("k8s_job_deleted_externally: the Job vanished before claude finished", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), { trailer: null, podTermination: null, jobDeletedExternally: true }),
    );

    expect(outcome.failure?.errorCode).toBe("k8s_job_deleted_externally");
    expect(outcome.failure?.errorMessage).toContain(JOB);
    expect(outcome.cancellation).toBeNull();
  });

  it("k8s_pod_log_file_missing: the tailer's failure is reported as decided", () => {
    const missing = runFailure("k8s_pod_log_file_missing", { path: "/paperclip/run-logs/a/b/r.pod.ndjson" });
    const outcome = classifyOutcome(evidence(summarize("empty"), { trailer: null, earlierFailure: missing }));

    expect(outcome.failure).toBe(missing);
    expect(outcome.usage).toBeNull();
  });

  it("k8s_pod_log_incomplete: beats the partial transcript, yet usage and session are still reported", () => {
    const incomplete = runFailure("k8s_pod_log_incomplete", {
      path: "/x.pod.ndjson",
      detail: "delivered 3000 of 4096 bytes",
    });
    const outcome = classifyOutcome(evidence(summarize("success"), { earlierFailure: incomplete }));

    expect(outcome.failure?.errorCode).toBe("k8s_pod_log_incomplete");
    expect(outcome.costUsd).toBe(0.1042);
    expect(outcome.sessionId).toBe(SESSION);
  });

  it("pod-start failures (k8s_image_pull_failed) pass through with no stream at all", () => {
    const pull = runFailure("k8s_image_pull_failed", {
      pod: "p",
      image: "i",
      reason: "ErrImagePull",
      detail: "not found",
    });
    const outcome = classifyOutcome(
      evidence(summarize("empty"), {
        trailer: null,
        podTermination: null,
        earlierFailure: pull,
        resumedSessionId: RESUMED_SESSION,
      }),
    );

    expect(outcome.failure?.errorCode).toBe("k8s_image_pull_failed");
    expect(outcome.sessionId).toBe(RESUMED_SESSION);
    expect(outcome.clearSession).toBe(false);
  });
});
