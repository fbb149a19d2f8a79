/**
 * The classifier on transcripts recorded from the real claude CLI (test/fixtures/transcripts/real-cli)
 * and on labelled variants with the other phrasings claude uses. Each message must carry claude's words.
 */
import { describe, expect, it } from "vitest";
import { classifyOutcome } from "../../../src/domain/outcome/classify-outcome.js";
import { evidence, JOB, summarize, trailer } from "./transcript-fixtures.js";

/** When the real-CLI transcripts were recorded (their reset times are relative to it). */
const RECORDED_AT = Date.UTC(2026, 10, 30, 23, 24, 0);
const RESUMED = "00000000-0000-4000-8000-000000000001";

function classifyRecorded(name: string, nowMs = RECORDED_AT) {
  return classifyOutcome(
    evidence(summarize(name), { trailer: trailer(1), nowMs, resumedSessionId: RESUMED, requestedModel: null }),
  );
}

describe("classifyOutcome on real claude 2.1 transcripts", () => {
  it.each([
    ["real-cli/auth-401-api-key", "claude_auth_required", "Invalid API key · Fix external API key"],
    ["real-cli/auth-401-oauth", "claude_auth_required", "Not logged in · Please run /login"],
    [
      "real-cli/auth-403-forbidden",
      "claude_auth_forbidden",
      "API Error: 403 Your API key does not have permission to use this resource",
    ],
    ["real-cli/model-404", "model_not_found", "claude-opus-5-5"],
    ["real-cli/quota-429-api-key", "provider_quota", "This request would exceed the rate limit for your organization"],
    ["real-cli/quota-session-limit-oauth", "provider_quota", "You've hit your 5-hour limit · resets 2:23am (UTC)"],
    [
      "real-cli/quota-weekly-limit-oauth",
      "provider_quota",
      "You've hit your weekly limit · resets Dec 4, 2:23am (UTC)",
    ],
    ["real-cli/transient-529", "claude_transient_upstream", "API Error: 529 Overloaded"],
    ["real-cli/transient-500", "claude_transient_upstream", "API Error: 500 Internal server error"],
    ["real-cli/refusal", "claude_refusal", "safeguards flagged this message"],
    ["real-cli/max-turns-1", "max_turns_exhausted", "Reached maximum number of turns (1)"],
    ["real-cli/session-unavailable", "session_unavailable", RESUMED],
  ])("%s → %s, the message keeping claude's words", (name, code, words) => {
    const outcome = classifyRecorded(name);

    expect(outcome.failure?.errorCode).toBe(code);
    expect(outcome.failure?.errorMessage).toContain(words);
  });

  it.each([["real-cli/success-text"], ["real-cli/success-bash"], ["real-cli/rate-limit-warning-oauth"]])(
    "%s is a success (an allowed_warning rate-limit notice is not a failure)",
    (name) => {
      expect(classifyOutcome(evidence(summarize(name))).failure).toBeNull();
    },
  );

  it("no message doubles a full stop where claude's sentence meets the template's", () => {
    for (const name of ["real-cli/auth-403-forbidden", "real-cli/model-404", "real-cli/transient-500"]) {
      expect(classifyRecorded(name).failure?.errorMessage).not.toMatch(/[^.]\.\.(?!\.)/);
    }
  });

  it("a rejected key and a 403 are told apart: neither says the other's remedy", () => {
    const rejected = classifyRecorded("real-cli/auth-401-api-key").failure?.errorMessage ?? "";
    const forbidden = classifyRecorded("real-cli/auth-403-forbidden").failure?.errorMessage ?? "";

    expect(rejected).toContain("Provide a valid ANTHROPIC_API_KEY");
    expect(forbidden).not.toContain("Provide a valid ANTHROPIC_API_KEY");
    expect(forbidden).toContain("not allowed this request");
    expect(`${rejected}\n${forbidden}`).not.toMatch(/not logged in inside/i);
    expect(forbidden).toContain(JOB);
  });

  it("max turns with a limit of 1 names the limit, not claude's turn count of 2", () => {
    const message = classifyRecorded("real-cli/max-turns-1").failure?.errorMessage ?? "";

    expect(message).toContain("(1)");
    expect(message).not.toContain("2 turns");
    expect(message).toContain("maxTurnsPerRun");
  });

  it("the OAuth quota rejection is retried at the rate-limit event's reset", () => {
    expect(classifyRecorded("real-cli/quota-session-limit-oauth").retryNotBefore).toBe(
      new Date(1796091797 * 1000).toISOString(),
    );
    expect(classifyRecorded("real-cli/quota-weekly-limit-oauth").retryNotBefore).toBe(
      new Date(1796350997 * 1000).toISOString(),
    );
  });
});

describe("classifyOutcome on claude's other phrasings", () => {
  it("a 5-hour limit keeps claude's words and the status, not only the HTTP status", () => {
    const outcome = classifyRecorded("quota-5-hour-limit", Date.UTC(2026, 10, 30, 18, 0, 0));

    expect(outcome.failure?.errorCode).toBe("provider_quota");
    expect(outcome.failure?.errorMessage).toContain("You've hit your 5-hour limit · resets 8:36pm (UTC)");
    expect(outcome.retryNotBefore).toBe("2026-11-30T20:36:00.000Z");
  });

  it("quota text without the error kind or an API status is provider_quota, retried at the printed reset", () => {
    const outcome = classifyRecorded("quota-session-limit-text-only", Date.UTC(2026, 10, 30, 11, 0, 0));

    expect(outcome.failure?.errorCode).toBe("provider_quota");
    expect(outcome.errorFamily).toBe("provider_quota");
    expect(outcome.failure?.errorMessage).toContain("You've hit your session limit · resets 3pm (UTC)");
    expect(outcome.retryNotBefore).toBe("2026-11-30T15:00:00.000Z");
  });

  it("a weekly limit with a dated reset is retried at that date, not every 5 minutes", () => {
    const outcome = classifyRecorded("quota-weekly-limit-dated", Date.UTC(2026, 10, 30, 11, 0, 0));

    expect(outcome.failure?.errorCode).toBe("provider_quota");
    expect(outcome.retryNotBefore).toBe("2026-12-03T03:00:00.000Z");
  });

  it("an expired OAuth session is claude_auth_required, in claude's words", () => {
    const outcome = classifyRecorded("auth-oauth-session-expired");

    expect(outcome.failure?.errorCode).toBe("claude_auth_required");
    expect(outcome.failure?.errorMessage).toContain("Failed to authenticate: OAuth session expired");
  });
});
