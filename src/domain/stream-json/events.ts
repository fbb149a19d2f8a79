/**
 * Typed views of claude's stream-json events, read defensively: the init event, the content blocks
 * of assistant and user messages, tool-result text and rate-limit notices. Unknown block types and
 * fields are skipped, never fatal.
 */
import { asRecord, booleanField, epochMs, numberField, stringField, textField, type JsonRecord } from "./json.js";

/** The first line of a run: `{"type":"system","subtype":"init",...}`. */
export interface StreamInit {
  readonly sessionId: string | null;
  readonly model: string | null;
  readonly cwd: string | null;
  /** Where claude took its credentials from: "ANTHROPIC_API_KEY", "apiKeyHelper", "none" (OAuth login), ... */
  readonly apiKeySource: string | null;
}

/** The init event's fields, or null when `event` is not `system/init`. */
export function readInit(event: JsonRecord): StreamInit | null {
  if (event.type !== "system" || event.subtype !== "init") return null;
  return {
    sessionId: stringField(event, "session_id"),
    model: stringField(event, "model"),
    cwd: stringField(event, "cwd"),
    apiKeySource: stringField(event, "apiKeySource"),
  };
}

export type ContentBlock =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "thinking"; readonly text: string }
  | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: unknown }
  | { readonly type: "tool_result"; readonly toolUseId: string; readonly text: string; readonly isError: boolean };

/** A tool whose call names none. */
const UNNAMED_TOOL = "unknown";

/**
 * The blocks of an assistant or user event's `message.content` (a string or an array of blocks), in
 * order. Empty text and thinking, and block types no reader shows, are left out.
 */
export function contentBlocks(event: JsonRecord): ContentBlock[] {
  const content = asRecord(event.message)?.content;
  if (typeof content === "string") return content.length > 0 ? [{ type: "text", text: content }] : [];
  if (!Array.isArray(content)) return [];
  const blocks: ContentBlock[] = [];
  for (const item of content) {
    const block = readBlock(asRecord(item));
    if (block !== null) blocks.push(block);
  }
  return blocks;
}

function readBlock(block: JsonRecord | null): ContentBlock | null {
  switch (block?.type) {
    case "text": {
      const text = stringField(block, "text");
      return text === null ? null : { type: "text", text };
    }
    case "thinking": {
      const text = stringField(block, "thinking");
      return text === null ? null : { type: "thinking", text };
    }
    case "tool_use":
      return {
        type: "tool_use",
        id: textField(block, "id"),
        name: stringField(block, "name") ?? UNNAMED_TOOL,
        input: block.input,
      };
    case "tool_result":
      return {
        type: "tool_result",
        toolUseId: textField(block, "tool_use_id"),
        text: toolResultText(block.content),
        isError: booleanField(block, "is_error") === true,
      };
    default:
      return null;
  }
}

/** The text blocks' texts of an assistant or user event. */
export function messageTexts(event: JsonRecord): string[] {
  return contentBlocks(event).flatMap((block) => (block.type === "text" ? [block.text] : []));
}

/**
 * A tool result's `content`: a string, or an array of blocks whose texts are joined by newlines (an
 * image shows as "[image]"). Any other shape is shown as its JSON, so nothing a tool said is hidden.
 */
export function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (content === undefined || content === null) return "";
  if (!Array.isArray(content)) return JSON.stringify(content);
  const parts: string[] = [];
  for (const item of content) {
    const block = asRecord(item);
    if (typeof block?.text === "string") parts.push(block.text);
    else if (block?.type === "image") parts.push("[image]");
  }
  return parts.join("\n");
}

/** `rate_limit_event.rate_limit_info`: claude's view of the account's usage limits (subscription logins). */
export interface RateLimitInfo {
  /** "allowed", "allowed_warning", "rejected", ...; "" when absent. */
  readonly status: string;
  /** When the limit resets; null when absent or not a sane time. */
  readonly resetsAtMs: number | null;
  /** "five_hour", "seven_day", ...; "" when absent. */
  readonly limitType: string;
  /** Share of the limit used, 0..1; null when absent. */
  readonly utilization: number | null;
}

export function readRateLimit(event: JsonRecord): RateLimitInfo {
  const info = asRecord(event.rate_limit_info);
  return {
    status: textField(info, "status"),
    resetsAtMs: epochMs(numberField(info, "resetsAt")),
    limitType: textField(info, "rateLimitType"),
    utilization: numberField(info, "utilization"),
  };
}
