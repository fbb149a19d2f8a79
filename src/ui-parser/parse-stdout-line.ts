/**
 * Maps one line of a run's stdout log to Paperclip transcript entries: Claude's stream-json
 * events, the adapter's own `[claude-k8s] …` status lines, and anything else as plain stdout. A pod
 * line that starts like a status line arrives escaped with `[pod] ` and is shown as the agent's output.
 *
 * This file is bundled into ONE self-contained CommonJS file that Paperclip's browser evaluates in
 * a sandbox with no `require`: it must not import anything at run time (type imports are erased).
 * Every input is untrusted text; nothing here throws.
 */
import type { TranscriptEntry } from "@paperclipai/adapter-utils";
import { otherEventNote, SYNTHETIC_USER_LABEL, systemNote, type EventNote } from "./event-notes.js";

type Json = Record<string, unknown>;

const STATUS_PREFIX = "[claude-k8s]";
/** The edge escapes pod lines that start like a status line with this marker (log-chunks.ts): they are the agent's output. */
const POD_LINE_MARKER = "[pod] ";
/** Status lines that report a failure are shown as stderr so they stand out. */
const FAILURE_STATUS = /^\[claude-k8s\]\s+(error|failed|failure)\b/i;
/** tool_use id → tool name, so a tool_result can say which tool it answers. Bounded. */
const TOOL_NAME_MEMORY = 512;
const toolNames = new Map<string, string>();

const asObject = (value: unknown): Json | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
const asText = (value: unknown): string => (typeof value === "string" ? value : "");
const asCount = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

function parseJsonObject(line: string): Json | null {
  if (!line.startsWith("{")) return null;
  try {
    return asObject(JSON.parse(line));
  } catch {
    return null;
  }
}

function rememberToolName(id: string, name: string): void {
  if (id === "") return;
  toolNames.set(id, name);
  if (toolNames.size > TOOL_NAME_MEMORY) {
    const oldest = toolNames.keys().next();
    if (!oldest.done) toolNames.delete(oldest.value);
  }
}

/** A tool result's content is a string or an array of blocks; text blocks are joined. */
function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return content === undefined || content === null ? "" : JSON.stringify(content);
  const parts: string[] = [];
  for (const item of content) {
    const block = asObject(item);
    if (!block) continue;
    if (typeof block.text === "string") parts.push(block.text);
    else if (block.type === "image") parts.push("[image]");
  }
  return parts.join("\n");
}

function systemEntries(event: Json, ts: string): TranscriptEntry[] {
  const subtype = asText(event.subtype);
  if (subtype === "init") {
    return [{ kind: "init", ts, model: asText(event.model) || "unknown", sessionId: asText(event.session_id) }];
  }
  return [noteEntry(systemNote(event), ts)];
}

/** Notes that report a failure are shown as stderr so they stand out, like failure status lines. */
function noteEntry(note: EventNote, ts: string): TranscriptEntry {
  return { kind: note.severity === "error" ? "stderr" : "system", ts, text: note.text };
}

function assistantEntries(event: Json, ts: string): TranscriptEntry[] {
  const message = asObject(event.message);
  const content = message?.content;
  if (typeof content === "string") return content ? [{ kind: "assistant", ts, text: content }] : [];
  if (!Array.isArray(content)) return [];
  const entries: TranscriptEntry[] = [];
  for (const item of content) {
    const block = asObject(item);
    if (!block) continue;
    if (block.type === "text" && asText(block.text)) {
      entries.push({ kind: "assistant", ts, text: asText(block.text) });
    } else if (block.type === "thinking" && asText(block.thinking)) {
      entries.push({ kind: "thinking", ts, text: asText(block.thinking) });
    } else if (block.type === "tool_use") {
      const name = asText(block.name) || "unknown";
      const id = asText(block.id);
      rememberToolName(id, name);
      entries.push({ kind: "tool_call", ts, name, input: block.input ?? {}, ...(id ? { toolUseId: id } : {}) });
    }
  }
  return entries;
}

/** Text of a user event: the user's words, unless claude made the message up itself (`isSynthetic`). */
function userTextEntry(event: Json, text: string, ts: string): TranscriptEntry {
  return event.isSynthetic === true
    ? { kind: "system", ts, text: `${SYNTHETIC_USER_LABEL}: ${text}` }
    : { kind: "user", ts, text };
}

function userEntries(event: Json, ts: string): TranscriptEntry[] {
  const message = asObject(event.message);
  const content = message?.content;
  if (typeof content === "string") return content ? [userTextEntry(event, content, ts)] : [];
  if (!Array.isArray(content)) return [];
  const entries: TranscriptEntry[] = [];
  for (const item of content) {
    const block = asObject(item);
    if (!block) continue;
    if (block.type === "tool_result") {
      const toolUseId = asText(block.tool_use_id);
      const toolName = toolNames.get(toolUseId);
      entries.push({
        kind: "tool_result",
        ts,
        toolUseId,
        ...(toolName ? { toolName } : {}),
        content: toolResultText(block.content),
        isError: block.is_error === true,
      });
    } else if (block.type === "text" && asText(block.text)) {
      entries.push(userTextEntry(event, asText(block.text), ts));
    }
  }
  return entries;
}

/** Token totals: modelUsage covers every model the run used, so it wins over `usage`. */
function resultUsage(event: Json): { input: number; output: number; cached: number } {
  const byModel = asObject(event.modelUsage);
  if (byModel && Object.keys(byModel).length > 0) {
    const total = { input: 0, output: 0, cached: 0 };
    for (const value of Object.values(byModel)) {
      const usage = asObject(value);
      if (!usage) continue;
      total.input += asCount(usage.inputTokens);
      total.output += asCount(usage.outputTokens);
      total.cached += asCount(usage.cacheReadInputTokens);
    }
    return total;
  }
  const usage = asObject(event.usage) ?? {};
  return {
    input: asCount(usage.input_tokens),
    output: asCount(usage.output_tokens),
    cached: asCount(usage.cache_read_input_tokens),
  };
}

function errorMessages(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((item) => (typeof item === "string" ? item : asText(asObject(item)?.message) || JSON.stringify(item)))
    .filter((text) => text !== "");
}

function resultEntries(event: Json, ts: string): TranscriptEntry[] {
  const subtype = asText(event.subtype);
  const usage = resultUsage(event);
  // is_error is authoritative: "success" with is_error true happens on API errors.
  const isError = event.is_error === true || (event.is_error === undefined && subtype !== "" && subtype !== "success");
  return [
    {
      kind: "result",
      ts,
      text: asText(event.result),
      inputTokens: usage.input,
      outputTokens: usage.output,
      cachedTokens: usage.cached,
      costUsd: asCount(event.total_cost_usd),
      subtype,
      isError,
      errors: errorMessages(event.errors),
    },
  ];
}

/** Partial-message deltas (only with --include-partial-messages): text and thinking as deltas. */
function streamEventEntries(event: Json, ts: string): TranscriptEntry[] {
  const delta = asObject(asObject(event.event)?.delta);
  if (delta?.type === "text_delta" && asText(delta.text)) {
    return [{ kind: "assistant", ts, text: asText(delta.text), delta: true }];
  }
  if (delta?.type === "thinking_delta" && asText(delta.thinking)) {
    return [{ kind: "thinking", ts, text: asText(delta.thinking), delta: true }];
  }
  return [];
}

function eventEntries(event: Json, ts: string): TranscriptEntry[] | null {
  switch (event.type) {
    case "system":
      return systemEntries(event, ts);
    case "assistant":
      return assistantEntries(event, ts);
    case "user":
      return userEntries(event, ts);
    case "result":
      return resultEntries(event, ts);
    case "stream_event":
      return streamEventEntries(event, ts);
    default: {
      const note = otherEventNote(event);
      if (note === "silent") return [];
      return note === null ? null : [noteEntry(note, ts)];
    }
  }
}

/** Event types that legitimately show nothing (partial deltas, keep-alives). */
const SILENT_TYPES = new Set(["stream_event", "keep_alive"]);

export function parseStdoutLine(line: string, ts: string): TranscriptEntry[] {
  const text = typeof line === "string" ? line.replace(/\r?\n$/, "") : String(line);
  if (text.trim() === "") return [];
  if (text.startsWith(POD_LINE_MARKER)) return [{ kind: "stdout", ts, text: text.slice(POD_LINE_MARKER.length) }];
  if (text.startsWith(STATUS_PREFIX)) {
    return [{ kind: FAILURE_STATUS.test(text) ? "stderr" : "system", ts, text }];
  }
  const event = parseJsonObject(text.trim());
  if (!event) return [{ kind: "stdout", ts, text }];
  try {
    const entries = eventEntries(event, ts);
    // Unknown types, and known ones carrying nothing we can show, keep their raw line visible.
    if (entries === null || (entries.length === 0 && !SILENT_TYPES.has(String(event.type)))) {
      return [{ kind: "stdout", ts, text }];
    }
    return entries;
  } catch {
    return [{ kind: "stdout", ts, text }];
  }
}
