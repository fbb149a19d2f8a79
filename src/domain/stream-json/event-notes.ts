/**
 * One-line notes for the stream-json events that are neither conversation nor result: claude's
 * `system` subtypes, `rate_limit_event`, tool progress and the like (claude 2.1's event list; see
 * test/fixtures/transcripts/real-cli). Shared by the browser UI parser and the CLI formatter; nothing
 * here throws on hostile shapes.
 */
import { messageTexts, readRateLimit } from "./events.js";
import { asRecord, numberField, textField, type JsonRecord } from "./json.js";

export type NoteSeverity = "info" | "warning" | "error";

export interface EventNote {
  readonly text: string;
  readonly severity: NoteSeverity;
}

/** What to do with an event type this module knows: a note, or nothing to show at all. */
export type OtherEventNote = EventNote | "silent" | null;

/** The adapter's own status-line prefix: a note quoting the pod must never start like one. */
const STATUS_PREFIX = /^\s*\[claude-k8s\]/;

const note = (text: string, severity: NoteSeverity = "info"): EventNote => ({
  text: text.replace(STATUS_PREFIX, "(claude-k8s)"),
  severity,
});

/** The first non-empty string field, in order. */
function firstText(event: JsonRecord, keys: readonly string[]): string {
  for (const key of keys) {
    const value = textField(event, key).trim();
    if (value) return value;
  }
  return "";
}

const LIMIT_NAMES: Readonly<Record<string, string>> = {
  five_hour: "5-hour session limit",
  seven_day: "weekly limit",
  seven_day_opus: "weekly Opus limit",
  seven_day_sonnet: "weekly Sonnet limit",
  seven_day_overage_included: "weekly limit (overage included)",
  overage: "overage limit",
};

/** `rate_limit_event`: claude's view of the account's usage limits (subscription logins). */
export function rateLimitNote(event: JsonRecord): EventNote {
  const { status, resetsAtMs, limitType, utilization } = readRateLimit(event);
  const limit = LIMIT_NAMES[limitType] ?? (limitType ? `${limitType} limit` : "usage limit");
  const resetClause = resetsAtMs === null ? "" : `; resets ${new Date(resetsAtMs).toISOString()}`;
  if (status === "rejected") return note(`Rate limit reached: the ${limit}${resetClause}`, "error");
  if (status === "allowed_warning") {
    const share = utilization === null ? "most" : `${Math.round(utilization * 100)}%`;
    return note(`Rate limit warning: ${share} of the ${limit} used${resetClause}`, "warning");
  }
  if (status === "allowed") return note(`Rate limit: within the ${limit}${resetClause}`);
  return note(`Rate limit: ${status || "unknown status"} (${limit})${resetClause}`);
}

function apiRetryNote(event: JsonRecord): EventNote {
  const attempt = numberField(event, "attempt");
  const max = numberField(event, "max_retries");
  const count = attempt === null ? "" : ` #${attempt}${max === null ? "" : ` of ${max}`}`;
  const status = event.error_status === undefined || event.error_status === null ? null : String(event.error_status);
  const kind = textField(event, "error");
  const cause = status ? ` after error ${status}${kind ? ` (${kind})` : ""}` : kind ? ` after ${kind}` : "";
  const delay = numberField(event, "retry_delay_ms");
  const wait = delay === null ? "" : `, next in ${(delay / 1000).toFixed(1)} s`;
  return note(`API retry${count}${cause}${wait}`, "warning");
}

function refusalNote(event: JsonRecord, subtype: string): EventNote {
  const content = textField(event, "content").trim();
  if (content) return note(content, "warning");
  const model = textField(event, "original_model") || "the model";
  const category = textField(event, "api_refusal_category");
  const why = category ? ` (${category})` : "";
  if (subtype === "model_refusal_fallback") {
    return note(
      `${model} refused the request${why}; retrying with ${textField(event, "fallback_model") || "a fallback model"}`,
      "warning",
    );
  }
  return note(`${model} refused the request${why}; no fallback model is configured`, "warning");
}

function hookNote(event: JsonRecord, subtype: string): EventNote {
  const name = textField(event, "hook_name") || "hook";
  const at = textField(event, "hook_event");
  const label = `Hook ${name}${at ? ` (${at})` : ""}`;
  if (subtype === "hook_started") return note(`${label} started`);
  const outcome = textField(event, "outcome");
  const said = firstText(
    event,
    subtype === "hook_response" && outcome === "error" ? ["stderr", "output"] : ["output", "stdout"],
  );
  const text = `${label}${outcome ? ` ${outcome}` : ""}${said ? `: ${said}` : ""}`;
  return note(text, outcome === "error" ? "warning" : "info");
}

/** A `system` event other than `init`, by subtype; unknown subtypes show their first text field. */
export function systemNote(event: JsonRecord): EventNote {
  const subtype = textField(event, "subtype");
  switch (subtype) {
    case "api_retry":
      return apiRetryNote(event);
    case "informational": {
      const level = textField(event, "level");
      return note(textField(event, "content") || "(empty notice)", level === "warning" ? "warning" : "info");
    }
    case "model_refusal_no_fallback":
    case "model_refusal_fallback":
      return refusalNote(event, subtype);
    case "model_fallback":
      return note(
        textField(event, "content") ||
          `Switched from ${textField(event, "original_model") || "the model"} to ${textField(event, "fallback_model") || "a fallback model"}${textField(event, "trigger") ? ` (${textField(event, "trigger")})` : ""}`,
        "warning",
      );
    case "api_error": {
      const error = asRecord(event.error) ?? {};
      return note(`API error: ${firstText(error, ["formatted", "message"]) || "unknown"}`, "error");
    }
    case "compact_boundary": {
      const before = numberField(asRecord(event.compact_metadata), "pre_tokens");
      return note(`Conversation compacted${before === null ? "" : ` (${before} tokens before)`}`);
    }
    case "status":
      return note(
        event.status === "compacting" ? "Compacting conversation…" : `Status: ${textField(event, "status") || "idle"}`,
      );
    case "permission_denied": {
      const reason = textField(event, "decision_reason");
      return note(
        `Permission denied: ${textField(event, "tool_name") || "a tool"}${reason ? ` — ${reason}` : ""}`,
        "warning",
      );
    }
    case "hook_started":
    case "hook_progress":
    case "hook_response":
      return hookNote(event, subtype);
    case "task_started":
      return note(`Task started: ${firstText(event, ["description", "prompt"]) || "(no description)"}`);
    case "task_notification":
      return note(`Task ${textField(event, "status") || "update"}: ${firstText(event, ["summary"]) || "(no summary)"}`);
    default: {
      const said = firstText(event, [
        "content",
        "text",
        "message",
        "summary",
        "status_detail",
        "detail",
        "description",
        "error",
      ]);
      const label = subtype ? `system: ${subtype}` : "system event";
      return note(said ? `${label}: ${said}` : label);
    }
  }
}

/** Top-level event types other than system/assistant/user/result/stream_event. */
export function otherEventNote(event: JsonRecord): OtherEventNote {
  switch (event.type) {
    case "rate_limit_event":
      return rateLimitNote(event);
    case "tool_progress": {
      const seconds = numberField(event, "elapsed_time_seconds");
      return note(
        `${textField(event, "tool_name") || "Tool"} running${seconds === null ? "" : ` for ${Math.round(seconds)} s`}`,
      );
    }
    case "tool_use_summary":
      return note(textField(event, "summary") || "(tool use summary)");
    case "auth_status": {
      const error = textField(event, "error");
      if (error) return note(`Authentication: ${error}`, "error");
      const output = Array.isArray(event.output) ? event.output.filter((line) => typeof line === "string") : [];
      return note(`Authentication: ${output.join(" ") || (event.isAuthenticating === true ? "in progress" : "done")}`);
    }
    case "prompt_suggestion":
      return note(`Suggested next prompt: ${textField(event, "suggestion")}`);
    case "keep_alive":
      return "silent";
    default:
      return null;
  }
}

/** The text of a `user` event claude made up itself (`isSynthetic`), e.g. its refusal-retry prompt; null otherwise. */
export function syntheticUserText(event: JsonRecord): string | null {
  if (event.isSynthetic !== true) return null;
  const joined = messageTexts(event).join("\n");
  return joined === "" ? null : joined;
}

/** How a synthetic user message is labelled wherever it is shown: never as the user's words. */
export const SYNTHETIC_USER_LABEL = "Claude Code (not the user)";
