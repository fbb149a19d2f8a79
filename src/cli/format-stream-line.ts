/**
 * Renders one line of Claude's stream-json output (or of a run log) for humans: one or a few
 * lines per event. Status lines and non-JSON pass through unchanged; partial-message deltas are
 * suppressed (null). Never throws.
 */
import {
  otherEventNote,
  SYNTHETIC_USER_LABEL,
  syntheticUserText,
  systemNote,
  type EventNote,
} from "../domain/stream-json/event-notes.js";
import { contentBlocks, readInit } from "../domain/stream-json/events.js";
import { asRecord, numberField, parseJsonObject, textField, type JsonRecord } from "../domain/stream-json/json.js";
import { resultIsError, resultMessage } from "../domain/stream-json/result.js";
import { costFromResult, usageFromResult } from "../domain/stream-json/usage.js";
import { COLOR, PLAIN, type Styles } from "./ansi.js";

export interface FormatOptions {
  /** ANSI colors (default off). */
  readonly color?: boolean;
}

const PREVIEW_CHARS = 160;
/** Tool input keys that say the most about a call, in order of preference. */
const SUMMARY_KEYS = ["command", "file_path", "path", "pattern", "url", "query", "description", "prompt"];

/** First line, at most `max` characters, with an ellipsis when anything was cut. */
function preview(text: string, max = PREVIEW_CHARS): string {
  const firstLine = text.split("\n", 1)[0] ?? "";
  const cut = firstLine.length > max ? firstLine.slice(0, max) : firstLine;
  return cut.length < text.length ? `${cut}…` : cut;
}

const count = (n: number): string => n.toLocaleString("en-US");

function toolArgsSummary(input: unknown): string {
  const args = asRecord(input);
  if (!args) return input === undefined ? "" : preview(JSON.stringify(input), 80);
  for (const key of SUMMARY_KEYS) {
    const value = textField(args, key);
    if (value) return preview(value, 80);
  }
  const json = JSON.stringify(args);
  return json === "{}" ? "" : preview(json, 80);
}

function formatSystem(event: JsonRecord, s: Styles): string {
  const init = readInit(event);
  if (init === null) return formatNote(systemNote(event), s);
  const tools = Array.isArray(event.tools) ? ` · ${event.tools.length} tools` : "";
  return s.cyan(`● session ${init.sessionId ?? "no session id"} · model ${init.model ?? "unknown model"}${tools}`);
}

function formatNote(note: EventNote, s: Styles): string {
  if (note.severity === "error") return s.red(`! ${note.text}`);
  if (note.severity === "warning") return s.yellow(`↻ ${note.text}`);
  return s.dim(`· ${note.text}`);
}

function formatAssistant(event: JsonRecord, s: Styles): string | null {
  const lines: string[] = [];
  for (const block of contentBlocks(event)) {
    if (block.type === "text") lines.push(block.text);
    else if (block.type === "thinking") lines.push(s.dim(`✻ ${block.text}`));
    else if (block.type === "tool_use") {
      const args = toolArgsSummary(block.input);
      lines.push(s.bold(`→ Tool(${block.name})`) + (args ? ` ${args}` : ""));
    }
  }
  return lines.length > 0 ? lines.join("\n") : null;
}

function formatUser(event: JsonRecord, s: Styles): string | null {
  const synthetic = syntheticUserText(event);
  if (synthetic !== null) return s.dim(`${SYNTHETIC_USER_LABEL}: ${preview(synthetic)}`);
  const lines: string[] = [];
  for (const block of contentBlocks(event)) {
    if (block.type === "text") lines.push(s.dim(`user: ${preview(block.text)}`));
    if (block.type !== "tool_result") continue;
    const head = `← ${block.isError ? "error" : "result"} (${count(block.text.length)} chars)`;
    const body = block.text.trim() === "" ? "" : ` ${preview(block.text.trim())}`;
    lines.push(block.isError ? s.red(head + body) : s.dim(head + body));
  }
  return lines.length > 0 ? lines.join("\n") : null;
}

function formatResult(event: JsonRecord, s: Styles): string {
  const failed = resultIsError(event);
  const subtype = textField(event, "subtype");
  const parts = [failed ? s.red(`✗ ${subtype && subtype !== "success" ? subtype : "error"}`) : s.green("✓ done")];
  const turns = numberField(event, "num_turns");
  if (turns !== null) parts.push(`${turns} turn${turns === 1 ? "" : "s"}`);
  const cost = costFromResult(event);
  if (cost !== null) parts.push(`$${cost.toFixed(4)}`);
  const usage = usageFromResult(event);
  if (usage) {
    const tokens = `${count(usage.inputTokens)} in / ${count(usage.outputTokens)} out tokens`;
    parts.push(usage.cachedInputTokens > 0 ? `${tokens} (${count(usage.cachedInputTokens)} cached)` : tokens);
  }
  const duration = numberField(event, "duration_ms");
  if (duration !== null) parts.push(`${(duration / 1000).toFixed(1)}s`);
  const summary = parts.join(" · ");
  const message = failed ? resultMessage(event) : "";
  return message ? `${summary}\n${s.red(preview(message, 400))}` : summary;
}

export function formatStreamLine(line: string, options: FormatOptions = {}): string | null {
  const s = options.color ? COLOR : PLAIN;
  const text = line.replace(/\r?\n$/, "");
  if (text.trim() === "") return null;
  if (text.startsWith("[claude-k8s]")) return text;
  const event = parseJsonObject(text.trim());
  if (!event) return text;
  switch (event.type) {
    case "system":
      return formatSystem(event, s);
    case "assistant":
      return formatAssistant(event, s);
    case "user":
      return formatUser(event, s);
    case "result":
      return formatResult(event, s);
    case "stream_event":
      return null;
    default: {
      const note = otherEventNote(event);
      if (note === "silent") return null;
      return note === null ? text : formatNote(note, s);
    }
  }
}
