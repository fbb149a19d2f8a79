/**
 * Incremental reader of claude's `--output-format stream-json` stdout. It keeps only what the run's
 * outcome needs (the init event, the last result event, the session and model, bounded tails of
 * assistant and error text), so memory stays bounded whatever the transcript size: nothing holds a
 * reference to a pushed line after `push` returns.
 */
import { messageTexts, readInit, readRateLimit, type StreamInit } from "../stream-json/events.js";
import {
  asRecord,
  booleanField,
  numberField,
  parseJsonObject,
  stringField,
  type JsonRecord,
} from "../stream-json/json.js";
import { addUsage, usageFromApiUsage, type TokenUsage } from "../stream-json/usage.js";
import { BoundedTextTail, detachedCopy, headOf } from "./bounded-text.js";

export type { StreamInit };

/** The latest rate-limit notice that was not a plain "allowed". */
export interface RateLimitNotice {
  readonly status: string;
  readonly resetsAtMs: number | null;
  readonly limitType: string | null;
}

export interface StreamSummary {
  readonly sawAnyLine: boolean;
  readonly lineCount: number;
  readonly init: StreamInit | null;
  /** Last seen session_id (init, assistant or result). */
  readonly sessionId: string | null;
  /** Every distinct session_id the stream reported, first seen first (bounded): a planted one shows here. */
  readonly sessionIds?: readonly string[];
  readonly model: string | null;
  /** The LAST result event, as parsed (this becomes resultJson); oversized fields are cut. */
  readonly result: Readonly<Record<string, unknown>> | null;
  /** Bounded tail of assistant text (summary fallback when result.result is absent/cut). */
  readonly assistantTextTail: string;
  /** Bounded tail of text that signals errors (api_retry errors, synthetic error messages, non-JSON lines). */
  readonly errorTextTail: string;
  /** Lines that parsed as stream-json events (the rest are blank-free non-JSON lines). */
  readonly eventCount?: number;
  /** Lines cut at maxLineBytes by the tailer (counted in lineCount, never parsed). */
  readonly cutLineCount?: number;
  readonly rateLimit?: RateLimitNotice | null;
  /** Usage summed over assistant messages: the billing fallback when no result event arrived. */
  readonly assistantUsage?: TokenUsage | null;
}

export interface StreamJsonLimits {
  /** Characters of assistant text kept (default 16 KiB). */
  readonly summaryChars?: number;
  /** Characters of error text kept (default 8 KiB). */
  readonly errorChars?: number;
  /** Result events longer than this are kept with their large fields cut (default 256 KiB). */
  readonly resultChars?: number;
}

const DEFAULT_SUMMARY_CHARS = 16 * 1024;
/** Distinct session ids remembered: enough to name a planted one, bounded whatever the pod prints. */
const MAX_SESSION_IDS = 8;
/** A session id is a UUID; a longer value is kept only as its head (a pod can print anything). */
const MAX_SESSION_ID_CHARS = 128;
const DEFAULT_ERROR_CHARS = 8 * 1024;
const DEFAULT_RESULT_CHARS = 256 * 1024;
/** Lines at least this long whose type needs nothing from us are counted without being parsed. */
const SKIP_PARSE_MIN_CHARS = 64 * 1024;
const SKIPPABLE_TYPE_PREFIX = /^\{\s*"type"\s*:\s*"(?:user|stream_event)"/;
/** Claude Code labels the assistant messages it makes up itself (API errors, login prompts) this way. */
const SYNTHETIC_MODEL = "<synthetic>";

export class StreamJsonAccumulator {
  private readonly assistantText: BoundedTextTail;
  private readonly errorText: BoundedTextTail;
  private readonly errorLineChars: number;
  private readonly resultChars: number;

  private lines = 0;
  private events = 0;
  private cutLines = 0;
  private initEvent: StreamInit | null = null;
  private lastSessionId: string | null = null;
  private readonly seenSessionIds: string[] = [];
  private initModel: string | null = null;
  private assistantModel: string | null = null;
  private lastResult: JsonRecord | null = null;
  private lastRateLimit: RateLimitNotice | null = null;
  private settledUsage: TokenUsage | null = null;
  private openMessage: { id: string; usage: TokenUsage } | null = null;

  constructor(limits: StreamJsonLimits = {}) {
    const summaryChars = positive(limits.summaryChars, DEFAULT_SUMMARY_CHARS);
    const errorChars = positive(limits.errorChars, DEFAULT_ERROR_CHARS);
    this.assistantText = new BoundedTextTail(summaryChars);
    this.errorText = new BoundedTextTail(errorChars);
    this.errorLineChars = Math.max(1, Math.floor(errorChars / 4));
    this.resultChars = positive(limits.resultChars, DEFAULT_RESULT_CHARS);
  }

  /** One stdout line, with or without its line ending. Blank lines are ignored; non-JSON lines are tolerated. */
  push(line: string): void {
    const text = line.trim();
    if (text.length === 0) return;
    this.lines += 1;
    // Detached: a successful match is remembered by RegExp's legacy statics, and a slice would pin the whole line.
    if (text.length >= SKIP_PARSE_MIN_CHARS && SKIPPABLE_TYPE_PREFIX.test(detachedCopy(text.slice(0, 64)))) {
      this.events += 1;
      return;
    }
    const event = parseJsonObject(text);
    if (event === null) {
      this.noteError(text);
      return;
    }
    this.events += 1;
    this.onEvent(event, text.length);
  }

  /**
   * A stdout line the tailer cut at maxLineBytes: only its head arrived, so it is never parsed
   * (its head might be a valid-looking event); it is counted and noted as an error line instead.
   */
  pushCut(maxLineBytes: number): void {
    this.lines += 1;
    this.cutLines += 1;
    this.noteError(`stdout line longer than maxLineBytes (${maxLineBytes} bytes) was cut and not read as an event`);
  }

  get summary(): StreamSummary {
    const assistantUsage = this.openMessage ? addUsage(this.settledUsage, this.openMessage.usage) : this.settledUsage;
    return {
      sawAnyLine: this.lines > 0,
      lineCount: this.lines,
      init: this.initEvent,
      sessionId: this.lastSessionId,
      sessionIds: [...this.seenSessionIds],
      model: this.initModel ?? this.assistantModel,
      result: this.lastResult,
      assistantTextTail: this.assistantText.value,
      errorTextTail: this.errorText.value,
      eventCount: this.events,
      cutLineCount: this.cutLines,
      rateLimit: this.lastRateLimit,
      assistantUsage,
    };
  }

  private onEvent(event: JsonRecord, lineChars: number): void {
    switch (event.type) {
      case "system":
        this.onSystem(event);
        return;
      case "assistant":
        this.onAssistant(event);
        return;
      case "result":
        this.noteSession(event);
        this.lastResult = lineChars <= this.resultChars ? event : shrinkResultEvent(event, this.resultChars);
        return;
      case "rate_limit_event":
        this.onRateLimit(event);
        return;
      default:
        return;
    }
  }

  private onSystem(event: JsonRecord): void {
    const init = readInit(event);
    if (init !== null) {
      this.initEvent = init;
      this.initModel = init.model ?? this.initModel;
      this.noteSession(event);
      return;
    }
    const subtype = stringField(event, "subtype");
    if (subtype === "api_retry" || event.error !== undefined || booleanField(event, "is_error") === true) {
      const parts = [`system ${subtype ?? "event"}`];
      const attempt = numberField(event, "attempt");
      if (attempt !== null) parts.push(`attempt=${attempt}`);
      const status = numberField(event, "error_status") ?? numberField(event, "status");
      if (status !== null) parts.push(`error_status=${status}`);
      const error = describeError(event.error);
      this.noteError(error ? `${parts.join(" ")}: ${error}` : parts.join(" "));
    }
  }

  private onAssistant(event: JsonRecord): void {
    this.noteSession(event);
    const message = asRecord(event.message);
    const model = stringField(message, "model");
    const synthetic = model === SYNTHETIC_MODEL;
    if (model !== null && !synthetic) this.assistantModel = model;
    this.noteMessageUsage(message, synthetic);

    const texts = messageTexts(event);
    const errorKind = stringField(event, "error");
    if (synthetic || errorKind !== null) {
      this.noteError(`assistant error${errorKind ? ` ${errorKind}` : ""}: ${texts.join(" ")}`);
      return;
    }
    for (const text of texts) {
      if (this.assistantText.value.length > 0) this.assistantText.append("\n\n");
      this.assistantText.append(text);
    }
  }

  /** Each API message arrives as one event per content block, all carrying the same usage: count it once. */
  private noteMessageUsage(message: JsonRecord | null, synthetic: boolean): void {
    const id = stringField(message, "id");
    const usage = usageFromApiUsage(asRecord(message?.usage));
    if (synthetic || id === null || usage === null) return;
    if (this.openMessage && this.openMessage.id !== id) {
      this.settledUsage = addUsage(this.settledUsage, this.openMessage.usage);
    }
    this.openMessage = { id: detachedCopy(id), usage };
  }

  private onRateLimit(event: JsonRecord): void {
    const { status, resetsAtMs, limitType } = readRateLimit(event);
    if (status === "" || status === "allowed") return;
    const notice: RateLimitNotice = { status, resetsAtMs, limitType: limitType || null };
    this.lastRateLimit = notice;
    if (status === "rejected") {
      const resets = notice.resetsAtMs === null ? "" : `, resets at ${new Date(notice.resetsAtMs).toISOString()}`;
      this.noteError(`rate limit rejected (${notice.limitType ?? "unknown limit"})${resets}`);
    }
  }

  private noteSession(event: JsonRecord): void {
    const reported = stringField(event, "session_id");
    if (reported === null) return;
    const sessionId = headOf(reported, MAX_SESSION_ID_CHARS);
    this.lastSessionId = sessionId;
    if (this.seenSessionIds.length < MAX_SESSION_IDS && !this.seenSessionIds.includes(sessionId)) {
      this.seenSessionIds.push(sessionId);
    }
  }

  private noteError(text: string): void {
    this.errorText.append(headOf(text, this.errorLineChars) + "\n");
  }
}

/** The summary of a run whose stdout was never read (it ended before the pod started). */
export function emptyStreamSummary(): StreamSummary {
  return new StreamJsonAccumulator().summary;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function describeError(error: unknown): string | null {
  if (typeof error === "string") return error;
  const record = asRecord(error);
  if (record === null) return null;
  const nested = asRecord(record.error);
  const type = stringField(record, "type") ?? stringField(nested, "type");
  const message = stringField(record, "message") ?? stringField(nested, "message");
  return [type, message].filter((part) => part !== null).join(" ") || null;
}

/**
 * A result event too large to keep whole (a huge final text or permission-denial list): long strings
 * keep their head, large structures are emptied, and `paperclipTruncatedFields` names what was cut.
 */
function shrinkResultEvent(event: JsonRecord, limit: number): JsonRecord {
  const fieldBudget = Math.max(1, Math.floor(limit / 4));
  const shrunk: Record<string, unknown> = {};
  const truncated: string[] = [];
  for (const [key, value] of Object.entries(event)) {
    if (typeof value === "string" && value.length > fieldBudget) {
      shrunk[key] = `${headOf(value, fieldBudget)}… [cut ${value.length - fieldBudget} chars]`;
      truncated.push(key);
    } else if (typeof value === "object" && value !== null && JSON.stringify(value).length > fieldBudget) {
      shrunk[key] = Array.isArray(value) ? [] : {};
      truncated.push(key);
    } else {
      shrunk[key] = value;
    }
  }
  shrunk.paperclipTruncatedFields = truncated;
  return shrunk;
}
