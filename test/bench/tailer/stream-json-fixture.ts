/**
 * Writes realistic claude stream-json files for the benchmarks: init, assistant text and tool
 * calls, tool results of varied size (mostly KBs, some hundreds of KB, optionally 10 MB), a result
 * line. Assistant text carries multi-byte characters; tool results are mostly ASCII code and output.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** Prose with multi-byte characters: assistant text, web pages, docs. */
const PROSE =
  "The tail reads the file — not the pod log — so naïve café déjà vu ✓ 日本語 😀 stays intact. " +
  "It’s “quoted” text with résumé-style accents, arrows → and bullets • as assistants write. ";
/** Code and command output: plain ASCII, most of a real transcript's tool results. */
const CODE =
  'const value = await read(path); if (!ok) return { error: "ENOENT", path }; for (let i = 0; i < n; i++) ' +
  "total += sizes[i]; $ ls -la /paperclip/run-logs  drwxr-xr-x 2 root root 4096 Nov 24 12:00 . \n";

/** A seeded generator so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const poolOf = (words: string) => words.repeat(Math.ceil((2 * 1024 * 1024) / words.length));
const PROSE_POOL = poolOf(PROSE);
const CODE_POOL = poolOf(CODE);

function text(next: () => number, chars: number, pool: string): string {
  let out = "";
  while (out.length < chars) {
    const start = Math.floor(next() * (pool.length - 65_536));
    out += pool.slice(start, start + Math.min(65_536, chars - out.length));
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
  /** "typical": tool results mostly ASCII code (15% prose); "unicode-dense": every line carries multi-byte text. */
  readonly mix?: "typical" | "unicode-dense";
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
      message: {
        id: `msg_${turn}`,
        content: [{ type: "text", text: text(next, 100 + Math.floor(next() * 1_500), PROSE_POOL) }],
      },
    });
    push({
      type: "assistant",
      message: {
        content: [
          { type: "tool_use", id: `tool_${turn}`, name: "Bash", input: { command: text(next, 120, CODE_POOL) } },
        ],
      },
    });
    const huge = nextHuge > 0 && written + batchChars >= nextHuge;
    if (huge) nextHuge += options.hugeLineEvery ?? 0;
    const chars = huge ? (options.hugeLineBytes ?? 10 * 1024 * 1024) : toolResultChars(next);
    // Huge lines are prose: two-byte strings in V8, the worst case for memory.
    const prose = huge || options.mix === "unicode-dense" || next() < 0.15;
    push({
      type: "user",
      message: {
        content: [
          {
            type: "tool_result",
            tool_use_id: `tool_${turn}`,
            content: text(next, chars, prose ? PROSE_POOL : CODE_POOL),
          },
        ],
      },
    });
  }
  push({ type: "result", subtype: "success", is_error: false, result: "done", num_turns: turn, total_cost_usd: 1.23 });
  flush();
  closeSync(fd);
  return { bytes: written, lines };
}
