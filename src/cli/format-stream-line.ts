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
} from "../ui-parser/event-notes.js";
import { COLOR, PLAIN, type Styles } from "./ansi.js";

export interface FormatOptions {
  /** ANSI colors (default off). */
  readonly color?: boolean;
}

type Json = Record<string, unknown>;

const PREVIEW_CHARS = 160;
/** Tool input keys that say the most about a call, in order of preference. */
const SUMMARY_KEYS = ["command", "file_path", "path", "pattern", "url", "query", "description", "prompt"];

const asObject = (value: unknown): Json | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
const asText = (value: unknown): string => (typeof value === "string" ? value : "");
const asNumber = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

/** First line, at most `max` characters, with an ellipsis when anything was cut. */
function preview(text: string, max = PREVIEW_CHARS): string {
  const firstLine = text.split("\n", 1)[0] ?? "";
  const cut = firstLine.length > max ? firstLine.slice(0, max) : firstLine;
  return cut.length < text.length ? `${cut}…` : cut;
}

const count = (n: number): string => n.toLocaleString("en-US");

function toolArgsSummary(input: unknown): string {
  const args = asObject(input);
  if (!args) return input === undefined ? "" : preview(JSON.stringify(input), 80);
  for (const key of SUMMARY_KEYS) {
    const value = asText(args[key]);
    if (value) return preview(value, 80);
  }
  const json = JSON.stringify(args);
  return json === "{}" ? "" : preview(json, 80);
}

function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((block) => asText(asObject(block)?.text)).join("\n");
}

function formatSystem(event: Json, s: Styles): string {
  const subtype = asText(event.subtype);
  if (subtype === "init") {
    const tools = Array.isArray(event.tools) ? ` · ${event.tools.length} tools` : "";
    const model = asText(event.model) || "unknown model";
    const session = asText(event.session_id) || "no session id";
    return s.cyan(`● session ${session} · model ${model}${tools}`);
  }
  return formatNote(systemNote(event), s);
}

function formatNote(note: EventNote, s: Styles): string {
  if (note.severity === "error") return s.red(`! ${note.text}`);
  if (note.severity === "warning") return s.yellow(`↻ ${note.text}`);
  return s.dim(`· ${note.text}`);
}

function formatAssistant(event: Json, s: Styles): string | null {
  const content = asObject(event.message)?.content;
  if (typeof content === "string") return content || null;
  if (!Array.isArray(content)) return null;
  const lines: string[] = [];
  for (const item of content) {
    const block = asObject(item);
    if (block?.type === "text" && asText(block.text)) lines.push(asText(block.text));
    else if (block?.type === "thinking" && asText(block.thinking)) lines.push(s.dim(`✻ ${asText(block.thinking)}`));
    else if (block?.type === "tool_use") {
      const args = toolArgsSummary(block.input);
      lines.push(s.bold(`→ Tool(${asText(block.name) || "unknown"})`) + (args ? ` ${args}` : ""));
    }
  }
  return lines.length > 0 ? lines.join("\n") : null;
}

function formatUser(event: Json, s: Styles): string | null {
  const synthetic = syntheticUserText(event);
  if (synthetic !== null) return s.dim(`${SYNTHETIC_USER_LABEL}: ${preview(synthetic)}`);
  const content = asObject(event.message)?.content;
  if (typeof content === "string") return content ? s.dim(`user: ${preview(content)}`) : null;
  if (!Array.isArray(content)) return null;
  const lines: string[] = [];
  for (const item of content) {
    const block = asObject(item);
    if (block?.type !== "tool_result") continue;
    const text = toolResultText(block.content);
    const failed = block.is_error === true;
    const head = `← ${failed ? "error" : "result"} (${count(text.length)} chars)`;
    const body = text.trim() === "" ? "" : ` ${preview(text.trim())}`;
    lines.push(failed ? s.red(head + body) : s.dim(head + body));
  }
  return lines.length > 0 ? lines.join("\n") : null;
}

function formatResult(event: Json, s: Styles): string {
  const subtype = asText(event.subtype) || "result";
  const failed = event.is_error === true || (event.is_error === undefined && subtype !== "success");
  const parts = [failed ? s.red(`✗ ${subtype === "success" ? "error" : subtype}`) : s.green("✓ done")];
  const turns = asNumber(event.num_turns);
  if (turns !== null) parts.push(`${turns} turn${turns === 1 ? "" : "s"}`);
  const cost = asNumber(event.total_cost_usd);
  if (cost !== null) parts.push(`$${cost.toFixed(4)}`);
  const usage = asObject(event.usage);
  if (usage) {
    const cached = asNumber(usage.cache_read_input_tokens) ?? 0;
    const tokens = `${count(asNumber(usage.input_tokens) ?? 0)} in / ${count(asNumber(usage.output_tokens) ?? 0)} out tokens`;
    parts.push(cached > 0 ? `${tokens} (${count(cached)} cached)` : tokens);
  }
  const duration = asNumber(event.duration_ms);
  if (duration !== null) parts.push(`${(duration / 1000).toFixed(1)}s`);
  const summary = parts.join(" · ");
  const text = asText(event.result);
  return failed && text ? `${summary}\n${s.red(preview(text, 400))}` : summary;
}

function parseObject(line: string): Json | null {
  if (!line.startsWith("{")) return null;
  try {
    return asObject(JSON.parse(line));
  } catch {
    return null;
  }
}

export function formatStreamLine(line: string, options: FormatOptions = {}): string | null {
  const s = options.color ? COLOR : PLAIN;
  const text = line.replace(/\r?\n$/, "");
  if (text.trim() === "") return null;
  if (text.startsWith("[claude-k8s]")) return text;
  const event = parseObject(text.trim());
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
