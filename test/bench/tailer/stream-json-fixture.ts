/**
 * Writes realistic claude stream-json files for the benchmarks: init, assistant text and tool
 * calls, tool results of varied size (mostly KBs, some hundreds of KB, optionally 10 MB), a result
 * line; text is mostly ASCII with some multi-byte characters, as real transcripts are.
 */
import { closeSync, openSync, writeSync } from "node:fs";

const WORDS =
  "the quick brown fox jumps over lazy dogs const value = await read(path); if (!ok) return; " +
  'naïve café — déjà vu ✓ 日本語 😀 {"key": [1, 2, 3]} function tail(file) { return lines; } ';

/** A seeded generator so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const POOL = WORDS.repeat(Math.ceil((2 * 1024 * 1024) / WORDS.length));

function text(next: () => number, chars: number): string {
  let out = "";
  while (out.length < chars) {
    const start = Math.floor(next() * (POOL.length - 65_536));
    out += POOL.slice(start, start + Math.min(65_536, chars - out.length));
  }
  return out;
}

function toolResultChars(next: () => number): number {
  const roll = next();
  if (roll < 0.8) return 200 + Math.floor(next() * 8_000);
  if (roll < 0.97) return 8_000 + Math.floor(next() * 60_000);
  return 100_000 + Math.floor(next() * 400_000);
}

export interface FixtureOptions {
  readonly bytes: number;
  /** Write a 10 MB tool-result line about every this many bytes (0 = never). */
  readonly hugeLineEvery?: number;
  readonly hugeLineBytes?: number;
}

/** Writes the file; returns its exact size and line count. */
export function writeStreamJsonFile(path: string, options: FixtureOptions): { bytes: number; lines: number } {
  const next = random(42);
  const fd = openSync(path, "w");
  let written = 0;
  let lines = 0;
  let nextHuge = options.hugeLineEvery ?? 0;
  let batch: string[] = [];
  let batchChars = 0;
  const flush = () => {
    const buffer = Buffer.from(batch.join(""), "utf8");
    writeSync(fd, buffer);
    written += buffer.length;
    batch = [];
    batchChars = 0;
  };
  const push = (event: unknown) => {
    const line = `${JSON.stringify(event)}\n`;
    batch.push(line);
    batchChars += line.length;
    lines += 1;
    if (batchChars > 4 * 1024 * 1024) flush();
  };
  push({
    type: "system",
    subtype: "init",
    session_id: "bench-session",
    model: "claude-sonnet",
    tools: ["Bash", "Read"],
  });
  let turn = 0;
  while (written + batchChars < options.bytes) {
    turn += 1;
    push({
      type: "assistant",
      message: { id: `msg_${turn}`, content: [{ type: "text", text: text(next, 100 + Math.floor(next() * 1_500)) }] },
    });
    push({
      type: "assistant",
      message: {
        content: [{ type: "tool_use", id: `tool_${turn}`, name: "Bash", input: { command: text(next, 120) } }],
      },
    });
    const huge = nextHuge > 0 && written + batchChars >= nextHuge;
    if (huge) nextHuge += options.hugeLineEvery ?? 0;
    const chars = huge ? (options.hugeLineBytes ?? 10 * 1024 * 1024) : toolResultChars(next);
    push({
      type: "user",
      message: { content: [{ type: "tool_result", tool_use_id: `tool_${turn}`, content: text(next, chars) }] },
    });
  }
  push({ type: "result", subtype: "success", is_error: false, result: "done", num_turns: turn, total_cost_usd: 1.23 });
  flush();
  closeSync(fd);
  return { bytes: written, lines };
}
