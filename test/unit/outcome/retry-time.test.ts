import { describe, expect, it } from "vitest";
import { announcedResetMs, retryNotBefore } from "../../../src/domain/outcome/retry-time.js";

// Monday 2025-11-24 12:00:00 UTC.
const NOW = Date.UTC(2025, 10, 24, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe("announcedResetMs", () => {
  it.each([
    ["Claude AI usage limit reached|1764007200", Date.UTC(2025, 10, 24, 18, 0, 0)],
    ["limit resets at 2025-11-24T15:30:00Z", Date.UTC(2025, 10, 24, 15, 30, 0)],
    ["rate limited, retry after 30 seconds", NOW + 30_000],
    ["Retry-After: 120", NOW + 120_000],
    ["please try again in 5 minutes", NOW + 300_000],
    ["5-hour limit reached ∙ resets 6pm", Date.UTC(2025, 10, 24, 18, 0, 0)],
    ["limit reached · resets 9am", Date.UTC(2025, 10, 25, 9, 0, 0)],
    ["You've hit your limit · resets 11:30 PM (UTC)", Date.UTC(2025, 10, 24, 23, 30, 0)],
    // Berlin is UTC+1 in November: 8pm there is 19:00 UTC.
    ["You've hit your limit · resets 8pm (Europe/Berlin)", Date.UTC(2025, 10, 24, 19, 0, 0)],
  ])("reads %j", (text, expected) => {
    expect(announcedResetMs(text, NOW)).toBe(expected);
  });

  it.each([["Overloaded"], ["resets 42"], ["resets at 25:00"], ["resets 4pm (Mars/Olympus)"]])(
    "finds no time in %j",
    (text) => {
      expect(announcedResetMs(text, NOW)).toBeNull();
    },
  );
});

describe("retryNotBefore", () => {
  it("prefers a rejected rate-limit event's reset time over text", () => {
    const at = NOW + 3_600_000;
    expect(
      retryNotBefore({
        kind: "provider_quota",
        nowMs: NOW,
        texts: ["retry after 30 seconds"],
        rateLimitResetsAtMs: at,
      }),
    ).toBe(iso(at));
  });

  it("takes the first text that announces a time", () => {
    expect(
      retryNotBefore({ kind: "provider_quota", nowMs: NOW, texts: ["Overloaded", "try again in 2 minutes"] }),
    ).toBe(iso(NOW + 120_000));
  });

  it("ignores reset times in the past or implausibly far away and uses the default backoff", () => {
    expect(retryNotBefore({ kind: "provider_quota", nowMs: NOW, texts: ["usage limit reached|1600000000"] })).toBe(
      iso(NOW + 5 * 60_000),
    );
    expect(
      retryNotBefore({ kind: "claude_transient_upstream", nowMs: NOW, texts: ["until 2031-01-01T00:00:00Z"] }),
    ).toBe(iso(NOW + 60_000));
  });
});
