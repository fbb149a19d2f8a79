import { describe, expect, it } from "vitest";
import { matchSignal, signalFromApiStatus } from "../../../src/domain/outcome/failure-signals.js";
import { describeExitCause } from "../../../src/domain/outcome/exit-cause.js";

describe("matchSignal", () => {
  it.each([
    ["No conversation found with session ID: 0b9e4c1d-3a2f-4d8e", "session_unavailable"],
    ["Invalid API key · Please run /login", "claude_auth_required"],
    ['API Error: 401 {"type":"error","error":{"type":"authentication_error"}}', "claude_auth_required"],
    ["OAuth token has expired. Please obtain a new token or refresh your existing token.", "claude_auth_required"],
    ["There's an issue with the selected model (claude-opus-9). It may not exist", "model_not_found"],
    [
      'API Error: 404 {"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}',
      "model_not_found",
    ],
    ["Claude AI usage limit reached|1764007200", "provider_quota"],
    ["Your credit balance is too low to access the Anthropic API.", "provider_quota"],
    ['API Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}', "provider_quota"],
    [
      'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      "claude_transient_upstream",
    ],
    ["API Error: 500 Internal server error", "claude_transient_upstream"],
    ["Error: socket hang up (ECONNRESET)", "claude_transient_upstream"],
    ["which appears to violate our Usage Policy (https://www.anthropic.com/legal/aup)", "claude_refusal"],
  ])("%j → %s", (text, code) => {
    expect(matchSignal(text)?.code).toBe(code);
  });

  it("returns the matching line, not the whole text", () => {
    expect(matchSignal("starting\nInvalid API key · Please run /login\nbye")?.detail).toBe(
      "Invalid API key · Please run /login",
    );
  });

  it("finds nothing in an ordinary crash", () => {
    expect(matchSignal("TypeError: Cannot read properties of undefined (reading 'map')")).toBeNull();
  });
});

describe("signalFromApiStatus", () => {
  it.each([
    [401, "claude_auth_required"],
    [403, "claude_auth_required"],
    [404, "model_not_found"],
    [429, "provider_quota"],
    [529, "claude_transient_upstream"],
    [503, "claude_transient_upstream"],
  ])("%i → %s", (status, code) => {
    expect(signalFromApiStatus(status)?.code).toBe(code);
  });

  it("leaves a 400 unexplained", () => {
    expect(signalFromApiStatus(400)).toBeNull();
  });
});

describe("describeExitCause", () => {
  const trailer = (exitCode: number) => ({ version: 1 as const, exitCode, stdoutBytes: 0, stderrBytes: 0 });

  it.each([
    [null, { exitCode: 137, reason: "OOMKilled" }, "OOMKilled (exit 137): raise the Job's memory limit"],
    [trailer(137), null, "killed by SIGKILL (exit 137; commonly out of memory)"],
    [trailer(143), null, "stopped by SIGTERM (exit 143"],
    [trailer(2), null, "claude exited with code 2"],
    [null, { exitCode: 1, reason: "Error" }, "the container exited with code 1 (Error) and no trailer was written"],
    [null, null, "exit cause is unknown"],
  ])("trailer %j, pod %j → %s", (t, pod, expected) => {
    expect(describeExitCause(t, pod)).toContain(expected);
  });
});
