/**
 * Maps one line of a run's stdout log to Paperclip transcript entries: Claude's stream-json
 * events, the adapter's own `[claude-k8s] …` status lines, and anything else as plain stdout. A pod
 * line that starts like a status line arrives escaped with `[pod] ` and is shown as the agent's output.
 *
 * This file is bundled into ONE self-contained CommonJS file that Paperclip's browser evaluates in
 * a sandbox with no `require`: at run time it imports only the dependency-free stream-json module,
 * which esbuild inlines (type imports are erased). Every input is untrusted text; nothing here throws.
 */
import type { TranscriptEntry } from "@paperclipai/adapter-utils";
import { otherEventNote, SYNTHETIC_USER_LABEL, systemNote, type EventNote } from "../domain/stream-json/event-notes.js";
import { contentBlocks, readInit } from "../domain/stream-json/events.js";
import { asRecord, parseJsonObject, textField, type JsonRecord } from "../domain/stream-json/json.js";
import { resultErrors, resultIsError, resultText } from "../domain/stream-json/result.js";
import { costFromResult, usageFromResult } from "../domain/stream-json/usage.js";

const STATUS_PREFIX = "[claude-k8s]";
/** The edge escapes pod lines that start like a status line with this marker (log-chunks.ts): they are the agent's output. */
const POD_LINE_MARKER = "[pod] ";
/** Status lines that report a failure are shown as stderr so they stand out. */
const FAILURE_STATUS = /^\[claude-k8s\]\s+(error|failed|failure)\b/i;
/** tool_use id → tool name, so a tool_result can say which tool it answers. Bounded. */
const TOOL_NAME_MEMORY = 512;
const toolNames = new Map<string, string>();

function rememberToolName(id: string, name: string): void {
  if (id === "") return;
  toolNames.set(id, name);
  if (toolNames.size > TOOL_NAME_MEMORY) {
    const oldest = toolNames.keys().next();
    if (!oldest.done) toolNames.delete(oldest.value);
  }
}

function systemEntries(event: JsonRecord, ts: string): TranscriptEntry[] {
  const init = readInit(event);
  if (init !== null) return [{ kind: "init", ts, model: init.model ?? "unknown", sessionId: init.sessionId ?? "" }];
  return [noteEntry(systemNote(event), ts)];
}

/** Notes that report a failure are shown as stderr so they stand out, like failure status lines. */
function noteEntry(note: EventNote, ts: string): TranscriptEntry {
  return { kind: note.severity === "error" ? "stderr" : "system", ts, text: note.text };
}

function assistantEntries(event: JsonRecord, ts: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  for (const block of contentBlocks(event)) {
    if (block.type === "text") entries.push({ kind: "assistant", ts, text: block.text });
    else if (block.type === "thinking") entries.push({ kind: "thinking", ts, text: block.text });
    else if (block.type === "tool_use") {
      rememberToolName(block.id, block.name);
      const id = block.id ? { toolUseId: block.id } : {};
      entries.push({ kind: "tool_call", ts, name: block.name, input: block.input ?? {}, ...id });
    }
  }
  return entries;
}

/** Text of a user event: the user's words, unless claude made the message up itself (`isSynthetic`). */
function userTextEntry(event: JsonRecord, text: string, ts: string): TranscriptEntry {
  return event.isSynthetic === true
    ? { kind: "system", ts, text: `${SYNTHETIC_USER_LABEL}: ${text}` }
    : { kind: "user", ts, text };
}

function userEntries(event: JsonRecord, ts: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  for (const block of contentBlocks(event)) {
    if (block.type === "text") entries.push(userTextEntry(event, block.text, ts));
    else if (block.type === "tool_result") {
      const toolName = toolNames.get(block.toolUseId);
      entries.push({
        kind: "tool_result",
        ts,
        toolUseId: block.toolUseId,
        ...(toolName ? { toolName } : {}),
        content: block.text,
        isError: block.isError,
      });
    }
  }
  return entries;
}

function resultEntries(event: JsonRecord, ts: string): TranscriptEntry[] {
  const usage = usageFromResult(event);
  return [
    {
      kind: "result",
      ts,
      text: resultText(event),
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      cachedTokens: usage?.cachedInputTokens ?? 0,
      // The entry has no "unknown": a cost claude did not report shows as 0.
      costUsd: costFromResult(event) ?? 0,
      subtype: textField(event, "subtype"),
      isError: resultIsError(event),
      errors: resultErrors(event),
    },
  ];
}

/** Partial-message deltas (only with --include-partial-messages): text and thinking as deltas. */
function streamEventEntries(event: JsonRecord, ts: string): TranscriptEntry[] {
  const delta = asRecord(asRecord(event.event)?.delta);
  const text = textField(delta, "text");
  if (delta?.type === "text_delta" && text) return [{ kind: "assistant", ts, text, delta: true }];
  const thinking = textField(delta, "thinking");
  if (delta?.type === "thinking_delta" && thinking) return [{ kind: "thinking", ts, text: thinking, delta: true }];
  return [];
}

function eventEntries(event: JsonRecord, ts: string): TranscriptEntry[] | null {
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
