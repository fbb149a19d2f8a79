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
    // As claude 2.1 prints them: minutes only when not on the hour, the pod's zone in parentheses.
    ["You've hit your session limit · resets 1:55am (UTC)", Date.UTC(2025, 10, 25, 1, 55, 0)],
    ["You've hit your 5-hour limit · resets 8:36pm (UTC)", Date.UTC(2025, 10, 24, 20, 36, 0)],
    // Beyond a day claude adds the date.
    ["You've hit your weekly limit · resets Nov 27, 3am (UTC)", Date.UTC(2025, 10, 27, 3, 0, 0)],
    ["You've hit your weekly limit · resets Dec 1, 1:56am (UTC)", Date.UTC(2025, 11, 1, 1, 56, 0)],
    ["You've hit your Opus limit · resets Nov 26, 9pm (America/New_York)", Date.UTC(2025, 10, 27, 2, 0, 0)],
    ["Your weekly limit resets Nov 28 (UTC)", Date.UTC(2025, 10, 28, 0, 0, 0)],
    ["You've hit your weekly limit · resets Nov 27, 2025, 3am (UTC)", Date.UTC(2025, 10, 27, 3, 0, 0)],
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

describe("announcedResetMs with a dated reset around the new year", () => {
  // Tuesday 2025-12-30 22:00 UTC.
  const NEW_YEARS_EVE_EVE = Date.UTC(2025, 11, 30, 22, 0, 0);

  it("reads a January date printed in December as next year's", () => {
    expect(announcedResetMs("You've hit your weekly limit · resets Jan 2, 3am (UTC)", NEW_YEARS_EVE_EVE)).toBe(
      Date.UTC(2026, 0, 2, 3, 0, 0),
    );
  });

  it("takes the year when claude prints one (the reset falls in another year)", () => {
    expect(announcedResetMs("resets Jan 3, 2026, 4:15pm (UTC)", NEW_YEARS_EVE_EVE)).toBe(
      Date.UTC(2026, 0, 3, 16, 15, 0),
    );
  });

  it("reads the wall clock of the printed zone on the reset day, across a daylight-saving change", () => {
    // 2026-03-29 is the EU switch to summer time: 3am in Berlin that day is 01:00 UTC (UTC+2).
    const beforeSwitch = Date.UTC(2026, 2, 26, 12, 0, 0);
    expect(announcedResetMs("resets Mar 29, 3am (Europe/Berlin)", beforeSwitch)).toBe(Date.UTC(2026, 2, 29, 1, 0, 0));
  });

  it.each([["resets Feb 30, 3am (UTC)"], ["resets Dec 3, 13pm (UTC)"], ["resets Dec 3, 3am (Mars/Olympus)"]])(
    "finds no time in the impossible %j",
    (text) => {
      expect(announcedResetMs(text, NEW_YEARS_EVE_EVE)).toBeNull();
    },
  );
});

describe("retryNotBefore", () => {
  it("retries a weekly limit at its dated reset, not after the default backoff", () => {
    expect(
      retryNotBefore({
        kind: "provider_quota",
        nowMs: NOW,
        texts: ["You've hit your weekly limit · resets Nov 27, 3am (UTC)"],
      }),
    ).toBe(iso(Date.UTC(2025, 10, 27, 3, 0, 0)));
  });

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
