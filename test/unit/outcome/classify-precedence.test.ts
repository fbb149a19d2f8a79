import { describe, expect, it } from "vitest";
import { classifyOutcome } from "../../../src/domain/outcome/classify-outcome.js";
import { StreamJsonAccumulator } from "../../../src/domain/outcome/stream-json-accumulator.js";
import { runFailure } from "../../../src/domain/errors.js";
import { evidence, NOW_MS, summarize, trailer } from "./transcript-fixtures.js";

function streamOf(...lines: string[]) {
  const accumulator = new StreamJsonAccumulator();
  for (const line of lines) accumulator.push(line);
  return accumulator.summary;
}

const INIT =
  '{"type":"system","subtype":"init","session_id":"s-1","model":"claude-sonnet-4-5","cwd":"/w","apiKeySource":"none"}';

describe("classifyOutcome precedence and field traps", () => {
  it("a successful result followed by exit 143 (SIGTERM of lingering work) is a success the host will count as one", () => {
    const outcome = classifyOutcome(
      evidence(summarize("success"), { trailer: trailer(143), podTermination: { exitCode: 143, reason: "Error" } }),
    );

    expect(outcome.failure).toBeNull();
    expect(outcome.exitCode).toBe(0);
    expect(outcome.signal).toBeNull();
    expect(outcome.processExit).toEqual({ exitCode: 143, signal: "SIGTERM", source: "kubernetes" });
  });

  it("a successful result beats a deadline that struck while claude was shutting down", () => {
    const outcome = classifyOutcome(
      evidence(summarize("success"), { trailer: null, jobFailureReason: "DeadlineExceeded" }),
    );

    expect(outcome.failure).toBeNull();
    expect(outcome.timedOut).toBe(false);
  });

  it("exit 0 with stream output but no result event is truncated, not success", () => {
    const outcome = classifyOutcome(evidence(summarize("truncated-mid-stream"), { trailer: trailer(0) }));

    expect(outcome.failure?.errorCode).toBe("claude_truncated");
    expect(outcome.failure?.errorMessage).toContain("exited with code 0 without writing a result event");
  });

  it("cancellation beats an earlier failure and a deadline", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        cancelled: { acknowledgedAt: "2025-11-24T12:00:00.000Z" },
        earlierFailure: runFailure("k8s_pod_log_incomplete", { path: "p", detail: "d" }),
        jobFailureReason: "DeadlineExceeded",
      }),
    );

    expect(outcome.failure?.errorCode).toBe("cancelled");
    expect(outcome.timedOut).toBe(false);
  });

  it("a SIGKILLed claude with output is truncated even when stderr mentions a rate limit", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: trailer(137),
        podTermination: { exitCode: 137, reason: "Error" },
        stderrTail: "warning: rate limit approaching\n",
      }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_truncated");
    expect(outcome.failure?.errorMessage).toContain("SIGKILL");
  });

  it("claude that dies before any output with a login error on stderr is claude_auth_required", () => {
    const outcome = classifyOutcome(
      evidence(streamOf(), { trailer: trailer(1), stderrTail: "Error: Invalid API key · Please run /login\n" }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_auth_required");
  });

  it("an unknown session reported only on stderr still clears the session", () => {
    const outcome = classifyOutcome(
      evidence(streamOf(), {
        trailer: trailer(1),
        stderrTail: "No conversation found with session ID: 0b9e4c1d-3a2f-4d8e-8c71-6f5a2e9b0d14\n",
        resumedSessionId: "0b9e4c1d-3a2f-4d8e-8c71-6f5a2e9b0d14",
      }),
    );

    expect(outcome.failure?.errorCode).toBe("session_unavailable");
    expect(outcome.clearSession).toBe(true);
  });

  it("no output at all and a non-zero exit is claude_failed naming the last stderr line", () => {
    const outcome = classifyOutcome(
      evidence(streamOf(), { trailer: trailer(127), stderrTail: "sh: 1: claude: not found\n" }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_failed");
    expect(outcome.failure?.errorMessage).toContain("claude: not found");
    expect(outcome.failure?.errorMessage).toContain("127");
  });

  it("only non-JSON lines and a non-zero exit is claude_failed, not truncated", () => {
    const outcome = classifyOutcome(evidence(streamOf("Segmentation fault (core dumped)"), { trailer: trailer(139) }));

    expect(outcome.failure?.errorCode).toBe("claude_failed");
    expect(outcome.signal).toBe("SIGSEGV");
  });

  it("is_error false wins over an error subtype", () => {
    const outcome = classifyOutcome(
      evidence(streamOf(INIT, '{"type":"result","subtype":"error_during_execution","is_error":false,"result":"ok"}')),
    );

    expect(outcome.failure).toBeNull();
  });

  it("an error subtype without is_error is a failure", () => {
    const outcome = classifyOutcome(
      evidence(streamOf(INIT, '{"type":"result","subtype":"error_during_execution","result":"boom"}'), {
        trailer: trailer(1),
      }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_failed");
  });

  it("a successful answer that talks about rate limits and max turns stays a success", () => {
    const outcome = classifyOutcome(
      evidence(
        streamOf(
          INIT,
          '{"type":"result","subtype":"success","is_error":false,"result":"Added retry on rate limit (429) and a max turns guard."}',
        ),
      ),
    );

    expect(outcome.failure).toBeNull();
    expect(outcome.clearSession).toBe(false);
  });

  it("an error result with api_error_status 429 and no telling text is provider_quota", () => {
    const outcome = classifyOutcome(
      evidence(
        streamOf(INIT, '{"type":"result","subtype":"success","is_error":true,"result":"","api_error_status":429}'),
        {
          trailer: trailer(1),
        },
      ),
    );

    expect(outcome.failure?.errorCode).toBe("provider_quota");
    expect(outcome.retryNotBefore).toBe(new Date(NOW_MS + 5 * 60_000).toISOString());
  });

  it("a quota message with an epoch reset time sets retryNotBefore to it", () => {
    const reset = Math.floor(NOW_MS / 1000) + 7200;
    const outcome = classifyOutcome(
      evidence(
        streamOf(
          INIT,
          `{"type":"result","subtype":"success","is_error":true,"result":"Claude AI usage limit reached|${reset}"}`,
        ),
        { trailer: trailer(1) },
      ),
    );

    expect(outcome.failure?.errorCode).toBe("provider_quota");
    expect(outcome.retryNotBefore).toBe(new Date(reset * 1000).toISOString());
  });

  it("the result's own text outranks earlier api_retry noise in the stream", () => {
    const outcome = classifyOutcome(
      evidence(
        streamOf(
          INIT,
          '{"type":"system","subtype":"api_retry","attempt":1,"error_status":529,"error":"overloaded_error"}',
          '{"type":"result","subtype":"success","is_error":true,"result":"OAuth token has expired. Please run /login"}',
        ),
        { trailer: trailer(1) },
      ),
    );

    expect(outcome.failure?.errorCode).toBe("claude_auth_required");
  });

  it("a deadline on the pod's own terminated state is a timeout too", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: null,
        podTermination: {
          exitCode: 137,
          reason: "DeadlineExceeded",
          message: "Pod was active on the node longer than the specified deadline",
        },
      }),
    );

    expect(outcome.failure?.errorCode).toBe("timeout");
    expect(outcome.failure?.errorMessage).toContain("stopped at its deadline (DeadlineExceeded)");
    // The container's termination message is the pod's own file: named by Kubernetes' reason, never quoted.
    expect(outcome.failure?.errorMessage).not.toContain("longer than the specified deadline");
  });
});

describe("classifyOutcome when the trailer never appeared (k8s_pod_log_writer_died)", () => {
  const writerDied = runFailure("k8s_pod_log_writer_died", { path: "/x.pod.trailer.json" });

  it("a pod killed at its deadline is a timeout, not a missing trailer", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: null,
        earlierFailure: writerDied,
        podTermination: { exitCode: 137, reason: "Error" },
        jobFailureReason: "DeadlineExceeded",
      }),
    );

    expect(outcome.failure?.errorCode).toBe("timeout");
    expect(outcome.timedOut).toBe(true);
  });

  it("an OOMKilled pod is claude_truncated naming OOMKilled", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), {
        trailer: null,
        earlierFailure: writerDied,
        podTermination: { exitCode: 137, reason: "OOMKilled" },
      }),
    );

    expect(outcome.failure?.errorCode).toBe("claude_truncated");
    expect(outcome.failure?.errorMessage).toContain("OOMKilled");
  });

  it("a successful result read before the pod died is a success", () => {
    const outcome = classifyOutcome(
      evidence(summarize("success"), {
        trailer: null,
        earlierFailure: writerDied,
        podTermination: { exitCode: 143, reason: "Error" },
      }),
    );

    expect(outcome.failure).toBeNull();
  });

  it("with nothing better to say, the missing trailer is the verdict", () => {
    const outcome = classifyOutcome(
      evidence(summarize("truncated-mid-stream"), { trailer: null, earlierFailure: writerDied, podTermination: null }),
    );

    expect(outcome.failure).toBe(writerDied);
  });

  it("other tail failures still beat a result event", () => {
    const overrun = runFailure("k8s_pod_log_overrun", { path: "p", actual: 10, expected: 5 });
    expect(classifyOutcome(evidence(summarize("success"), { earlierFailure: overrun })).failure).toBe(overrun);
  });
});
