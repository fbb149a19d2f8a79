/**
 * Recognises why claude failed from what it said: the result event's text, the API status it
 * reports, stderr and error lines. Only consulted once a run is known to have failed, so a
 * successful answer that merely mentions "rate limits" is never misread.
 */
import type { ErrorCode } from "../errors.js";

export type SignalCode = Extract<
  ErrorCode,
  | "session_unavailable"
  | "claude_auth_required"
  | "claude_auth_forbidden"
  | "model_not_found"
  | "provider_quota"
  | "claude_transient_upstream"
  | "claude_refusal"
>;

export interface FailureSignal {
  readonly code: SignalCode;
  /** The matching line, shortened: what the operator reads in the message. */
  readonly detail: string;
}

/** Most specific first: an unknown session or a login problem explains a failure better than "rate limit". */
const RULES: ReadonlyArray<{ readonly code: SignalCode; readonly pattern: RegExp }> = [
  {
    code: "session_unavailable",
    pattern: /no conversation found with session id|(?:session|conversation) [\w-]{8,} (?:was )?not found/i,
  },
  // Credentials that a new login fixes, even when the API said 403 (a revoked OAuth token).
  {
    code: "claude_auth_required",
    pattern:
      /not logged in|oauth (?:token|session) (?:has )?(?:expired|been revoked|revoked)|oauth token revoked|token has been revoked/i,
  },
  // A 403 reaches an account that exists but may not do this: logging in again does not fix it. Claude
  // words it "Failed to authenticate. API Error: 403 …", so this rule comes before the general login one.
  {
    code: "claude_auth_forbidden",
    pattern:
      /api error: 403\b|error_status=403\b|permission_error|does not have permission|does not have access to claude|not allowed for this organi[sz]ation|api key authentication is disabled/i,
  },
  {
    code: "claude_auth_required",
    pattern:
      /invalid api key|please run \/login|failed to authenticate|authentication_(?:error|failed)|session (?:has )?expired|invalid (?:x-api-key|bearer token)|api error: 401\b|error_status=401\b|could not resolve authentication|no api key/i,
  },
  {
    code: "model_not_found",
    pattern:
      /issue with the selected model|not_found_error[^\n]{0,80}model|model[^\n]{0,80}(?:not found|does not exist|is not available)|invalid model(?: name| identifier)?\b|unknown model/i,
  },
  {
    code: "provider_quota",
    pattern:
      /usage limit|rate[_ ]limit|too many requests|api error: 429\b|error_status=429\b|\bquota\b|credit balance is too low|billing_error|limit reached|(?:hit|reached) your [^\n]{0,40}\blimit|out of (?:extra )?usage|usage credits|spend limit/i,
  },
  {
    code: "claude_transient_upstream",
    pattern:
      /overloaded|api error: 5\d\d\b|error_status=5\d\d\b|\bstatus(?: code)?:? 5\d\d\b|internal server error|service unavailable|bad gateway|gateway timeout|server_error|\bapi_error\b|econnreset|etimedout|econnrefused|eai_again|socket hang up|fetch failed|network error|connection error|request timed out|stream (?:closed|ended) unexpectedly/i,
  },
  {
    code: "claude_refusal",
    pattern:
      /usage polic(?:y|ies)|unable to respond to this request|declined to (?:answer|respond|help)|safeguards (?:flagged|stopped)/i,
  },
];

const DETAIL_CHARS = 300;

/** The first rule matching anywhere in `text`, with the line it matched. */
export function matchSignal(text: string): FailureSignal | null {
  if (text.length === 0) return null;
  for (const rule of RULES) {
    const match = rule.pattern.exec(text);
    if (match) return { code: rule.code, detail: lineAround(text, match.index) };
  }
  return null;
}

/** Checks sources in order of authority; the first source that explains the failure wins. */
export function firstSignal(sources: readonly string[]): FailureSignal | null {
  for (const source of sources) {
    const signal = matchSignal(source);
    if (signal) return signal;
  }
  return null;
}

/**
 * The API status a result event reports (`api_error_status`), mapped to what it means for the run.
 * `ownText` is what claude said about it: the detail keeps claude's words, with the status.
 */
export function signalFromApiStatus(status: number | null, ownText = ""): FailureSignal | null {
  if (status === null) return null;
  const said = firstLine(ownText);
  const detail = said ? `${said} (HTTP ${status})` : `the Anthropic API answered HTTP ${status}`;
  if (status === 401) return { code: "claude_auth_required", detail };
  if (status === 403) return { code: "claude_auth_forbidden", detail };
  if (status === 404) return { code: "model_not_found", detail };
  if (status === 429) return { code: "provider_quota", detail };
  if (status === 408 || status === 529 || (status >= 500 && status <= 599)) {
    return { code: "claude_transient_upstream", detail };
  }
  return null;
}

function firstLine(text: string): string {
  const trimmed = text.trim();
  return trimmed === "" ? "" : lineAround(trimmed, 0);
}

function lineAround(text: string, index: number): string {
  const start = text.lastIndexOf("\n", index) + 1;
  const newline = text.indexOf("\n", index);
  const line = text.slice(start, newline === -1 ? text.length : newline).trim();
  return line.length > DETAIL_CHARS ? `${line.slice(0, DETAIL_CHARS)}…` : line;
}
