/**
 * StreamJsonAccumulator benchmark: throughput, and heap retained after a long transcript (the
 * accumulator must keep only bounded tails, whatever it was fed). Compared with keeping the lines
 * (what the upstream adapter did before parsing at the end).
 *
 *   npx esbuild test/bench/outcome/accumulator-bench.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/accumulator-bench/bench.mjs && node --expose-gc /tmp/accumulator-bench/bench.mjs
 *
 * Env: BENCH_LINES (50000 ordinary lines), BENCH_HUGE (10 tool results of BENCH_HUGE_MB = 5 MB each).
 */
import { StreamJsonAccumulator } from "../../../src/domain/outcome/stream-json-accumulator.js";

const MiB = 1024 * 1024;
const LINES = Number(process.env.BENCH_LINES ?? 50_000);
const HUGE = Number(process.env.BENCH_HUGE ?? 10);
const HUGE_MB = Number(process.env.BENCH_HUGE_MB ?? 5);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

function* transcript(): Generator<string> {
  yield '{"type":"system","subtype":"init","session_id":"s-1","model":"claude-sonnet-4-5","cwd":"/w","apiKeySource":"none"}';
  const hugeEvery = HUGE > 0 ? Math.max(1, Math.floor(LINES / HUGE)) : Infinity;
  for (let i = 0; i < LINES; i++) {
    yield JSON.stringify({
      type: "assistant",
      session_id: "s-1",
      message: {
        id: `msg_${i}`,
        model: "claude-sonnet-4-5",
        content: [{ type: "text", text: `Step ${i}: ${"reasoning about the change ".repeat(8)}` }],
        usage: { input_tokens: 3, output_tokens: 40, cache_read_input_tokens: 2000 },
      },
    });
    if (i % 7 === 0) yield `plain text line ${i} from a shell`;
    if (i % hugeEvery === 0) {
      // A fresh big string each time, as the tailer would hand over.
      yield `{"type":"user","message":{"content":[{"type":"tool_result","content":"${String(i % 10).repeat(HUGE_MB * MiB)}"}]}}`;
      yield JSON.stringify({
        type: "assistant",
        session_id: "s-1",
        message: { id: `big_${i}`, content: [{ type: "text", text: "y".repeat(HUGE_MB * MiB) }] },
      });
    }
  }
  yield '{"type":"result","subtype":"success","is_error":false,"result":"done","session_id":"s-1","total_cost_usd":1.5}';
}

interface Sink {
  push(line: string): void;
}

function measure(name: string, make: () => Sink): void {
  gc!();
  const before = process.memoryUsage().heapUsed;
  const sink = make();
  let chars = 0;
  let lines = 0;
  const started = performance.now();
  for (const line of transcript()) {
    sink.push(line);
    chars += line.length;
    lines += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  gc!();
  const retained = process.memoryUsage().heapUsed - before;
  console.log(
    `${name.padEnd(22)} ${lines} lines, ${(chars / MiB).toFixed(0)} MiB in ${seconds.toFixed(2)} s ` +
      `(${(chars / MiB / seconds).toFixed(0)} MiB/s); heap retained after GC: ${(retained / MiB).toFixed(2)} MiB`,
  );
  if (sink instanceof StreamJsonAccumulator) {
    const summary = sink.summary;
    console.log(
      `${"".padEnd(22)} assistantTextTail ${summary.assistantTextTail.length} chars, errorTextTail ${summary.errorTextTail.length} chars, result ${summary.result ? "kept" : "missing"}`,
    );
  }
}

console.log(`node ${process.version}; ${LINES} assistant lines + ${HUGE} x 2 lines of ${HUGE_MB} MiB`);
measure("StreamJsonAccumulator", () => new StreamJsonAccumulator());
measure("keep every line", () => {
  const kept: string[] = [];
  return { push: (line: string) => void kept.push(line), kept } as Sink;
});
