import { describe, expect, it } from "vitest";
import { matchSignal, signalFromApiStatus } from "../../../src/domain/outcome/failure-signals.js";
import { describeExitCause } from "../../../src/domain/outcome/exit-cause.js";

describe("matchSignal", () => {
  it.each([
    ["No conversation found with session ID: 0b9e4c1d-3a2f-4d8e", "session_unavailable"],
    ["Invalid API key · Please run /login", "claude_auth_required"],
    ['API Error: 401 {"type":"error","error":{"type":"authentication_error"}}', "claude_auth_required"],
    ["OAuth token has expired. Please obtain a new token or refresh your existing token.", "claude_auth_required"],
    // claude 2.1's wordings for credentials that a login fixes, and for a 403 that it does not.
    ["Invalid API key · Fix external API key", "claude_auth_required"],
    ["Not logged in · Please run /login", "claude_auth_required"],
    ["Failed to authenticate: OAuth session expired", "claude_auth_required"],
    ["OAuth token revoked · Please run /login", "claude_auth_required"],
    [
      "Failed to authenticate. API Error: 403 Your API key does not have permission to use the specified resource.",
      "claude_auth_forbidden",
    ],
    ["Please run /login · API Error: 403 Request not allowed", "claude_auth_forbidden"],
    [
      "Your account does not have access to Claude. Please login again or contact your administrator.",
      "claude_auth_forbidden",
    ],
    // Quota in claude's words, with or without the rate_limit error kind.
    ["You've hit your session limit · resets 3pm (UTC)", "provider_quota"],
    ["You've hit your 5-hour limit · resets 8:36pm (UTC)", "provider_quota"],
    ["You've hit your weekly limit · resets Dec 3, 3am (UTC)", "provider_quota"],
    ["You've hit your org's monthly spend limit", "provider_quota"],
    ["You're out of usage credits", "provider_quota"],
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
    ["API Error: Opus 5.5's safeguards flagged this message (https://www.anthropic.com/legal/aup).", "claude_refusal"],
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
    [403, "claude_auth_forbidden"],
    [404, "model_not_found"],
    [429, "provider_quota"],
    [529, "claude_transient_upstream"],
    [503, "claude_transient_upstream"],
  ])("%i → %s", (status, code) => {
    expect(signalFromApiStatus(status)?.code).toBe(code);
  });

  it("keeps claude's own words with the status, and says only the status when claude said nothing", () => {
    expect(signalFromApiStatus(429, "You've hit your 5-hour limit · resets 8:36pm (UTC)\nmore")?.detail).toBe(
      "You've hit your 5-hour limit · resets 8:36pm (UTC) (HTTP 429)",
    );
    expect(signalFromApiStatus(429)?.detail).toBe("the Anthropic API answered HTTP 429");
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
