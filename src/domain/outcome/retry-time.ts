/**
 * When a quota or transient upstream failure may be retried (`retryNotBefore`): the reset time the
 * provider announced if one can be read, else a default backoff. Pure: "now" is passed in.
 */

export type RetryKind = "provider_quota" | "claude_transient_upstream";

/** Used when no reset time is announced: quota windows reopen slowly, blips pass quickly. */
export const DEFAULT_RETRY_BACKOFF_MS: Readonly<Record<RetryKind, number>> = {
  provider_quota: 5 * 60_000,
  claude_transient_upstream: 60_000,
};

/** An announced time further out than this is not trusted (a misparse, or a clock in the wrong zone). */
const MAX_AHEAD_MS = 8 * 24 * 3_600_000;

export interface RetryEvidence {
  readonly kind: RetryKind;
  readonly nowMs: number;
  /** Texts that may announce a reset, most authoritative first. */
  readonly texts: readonly string[];
  /** `resetsAt` of a rejected rate-limit event, when the stream had one. */
  readonly rateLimitResetsAtMs?: number | null;
}

/** The ISO time before which a retry is pointless. */
export function retryNotBefore(evidence: RetryEvidence): string {
  const { nowMs } = evidence;
  const plausible = (ms: number | null): ms is number => ms !== null && ms > nowMs && ms - nowMs <= MAX_AHEAD_MS;
  const announced = [evidence.rateLimitResetsAtMs ?? null, ...evidence.texts.map((t) => announcedResetMs(t, nowMs))];
  const chosen = announced.find(plausible) ?? nowMs + DEFAULT_RETRY_BACKOFF_MS[evidence.kind];
  return new Date(chosen).toISOString();
}

/** Reads a reset or retry time from provider text; null when none is stated. */
export function announcedResetMs(text: string, nowMs: number): number | null {
  return epochAfterPipe(text) ?? isoTimestamp(text) ?? relativeDelay(text, nowMs) ?? clockTime(text, nowMs);
}

/** "Claude AI usage limit reached|1760000000" (epoch seconds). */
function epochAfterPipe(text: string): number | null {
  const match = /limit reached\|(\d{10,13})/i.exec(text);
  if (!match?.[1]) return null;
  const value = Number(match[1]);
  return value < 1e12 ? value * 1000 : value;
}

/** "resets at 2026-11-24T18:00:00Z", "until 2026-11-24T18:00:00+01:00". */
function isoTimestamp(text: string): number | null {
  const match =
    /(?:reset|until|after|retry|again)[^\n\d]{0,20}(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))/i.exec(
      text,
    );
  if (!match?.[1]) return null;
  const ms = Date.parse(match[1]);
  return Number.isNaN(ms) ? null : ms;
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** "retry after 30 seconds", "Retry-After: 120", "try again in 5 minutes". */
function relativeDelay(text: string, nowMs: number): number | null {
  const match =
    /(?:retry[- ]after:?|try again in|retry in|reset(?:s)? in)\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)?\b/i.exec(
      text,
    );
  if (!match?.[1]) return null;
  const unit = (match[2] ?? "s").toLowerCase();
  const key = unit.startsWith("ms") || unit.startsWith("milli") ? "ms" : (unit[0] ?? "s");
  return nowMs + Math.round(Number(match[1]) * (UNIT_MS[key] ?? 1_000));
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAY_MS = 24 * 3_600_000;

/**
 * Claude prints a reset in the pod's local zone: "resets 4pm (UTC)", "resets 8:36pm (Europe/Berlin)",
 * "resets at 11:30 PM", and beyond a day with a date: "resets Dec 3, 3am (UTC)", "resets Jan 2, 2027,
 * 3am (UTC)" (the year only when it differs from the current one).
 */
const RESET_CLOCK = new RegExp(
  String.raw`(?:resets?|try again|available again)(?:\s+(?:at|on))?\s+` +
    String.raw`(?:(${MONTHS.join("|")})[a-z]*\.?\s+(\d{1,2})(?:,\s*(\d{4}))?(?:,?\s+(?=\d)|(?=\s*\())?)?` +
    String.raw`(?:(\d{1,2})(?::(\d{2}))?\s*(am|pm)?)?` +
    String.raw`(?:\s*\(([A-Za-z][\w+-]*(?:\/[\w+-]+)*)\))?`,
  "gi",
);

/** The announced reset as an instant: the next such wall-clock time in the printed zone (UTC when none). */
function clockTime(text: string, nowMs: number): number | null {
  for (const match of text.matchAll(RESET_CLOCK)) {
    const at = resetInstant(match, nowMs);
    if (at !== null) return at;
  }
  return null;
}

function resetInstant(match: RegExpMatchArray, nowMs: number): number | null {
  const [, monthName, dayText, yearText, hourText, minuteText, meridiemText, zone] = match;
  const hasDate = monthName !== undefined;
  const meridiem = meridiemText?.toLowerCase();
  if (!hasDate && (hourText === undefined || (meridiem === undefined && minuteText === undefined))) {
    return null; // a bare number is not a time
  }
  let hour = Number(hourText ?? "0");
  const minute = Number(minuteText ?? "0");
  if (meridiem !== undefined && (hour < 1 || hour > 12)) return null;
  if (meridiem === "pm" && hour < 12) hour += 12;
  if (meridiem === "am" && hour === 12) hour = 0;
  if (hour > 23 || minute > 59) return null;
  const zoneName = zone ?? "UTC";
  if (zoneOffsetMs(zoneName, nowMs) === null) return null;
  const wallNow = new Date(nowMs + (zoneOffsetMs(zoneName, nowMs) ?? 0));

  if (monthName === undefined) {
    const today = Date.UTC(wallNow.getUTCFullYear(), wallNow.getUTCMonth(), wallNow.getUTCDate(), hour, minute);
    const candidate = wallToInstant(today, zoneName);
    return candidate !== null && candidate <= nowMs ? wallToInstant(today + DAY_MS, zoneName) : candidate;
  }
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase());
  const day = Number(dayText);
  if (month < 0 || day < 1 || day > 31) return null;
  const wallAt = (year: number): number | null => {
    const wall = Date.UTC(year, month, day, hour, minute);
    return new Date(wall).getUTCDate() === day ? wallToInstant(wall, zoneName) : null; // no "Feb 31"
  };
  if (yearText !== undefined) return wallAt(Number(yearText));
  // No year: this year's date, unless it has passed (printed in December for January): next year's.
  const thisYear = wallAt(wallNow.getUTCFullYear());
  return thisYear !== null && thisYear < nowMs - DAY_MS ? wallAt(wallNow.getUTCFullYear() + 1) : thisYear;
}

/** The instant at which the zone's wall clock shows `wallMs` (read as UTC fields); offsets taken at that instant. */
function wallToInstant(wallMs: number, zone: string): number | null {
  const first = zoneOffsetMs(zone, wallMs);
  if (first === null) return null;
  const second = zoneOffsetMs(zone, wallMs - first);
  return wallMs - (second ?? first);
}

/** The zone's UTC offset at `atMs` (positive east of Greenwich), or null for an unknown zone. */
function zoneOffsetMs(zone: string, atMs: number): number | null {
  if (zone.toUpperCase() === "UTC" || zone.toUpperCase() === "GMT") return 0;
  try {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }).formatToParts(new Date(atMs));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? "0");
    const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
    return asUtc - Math.floor(atMs / 1000) * 1000;
  } catch {
    return null;
  }
}
