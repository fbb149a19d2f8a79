/** The idle bench's settings (environment variables, read the same way by every process of it). */
import { join } from "node:path";
import type { TailTarget } from "../../../src/domain/tailer/tail-types.js";

const env = process.env;
export type Mode = "ours" | "main";

export const SETTINGS = {
  runs: (env.BENCH_RUNS ?? "500,2000").split(",").map(Number),
  modes: (env.BENCH_MODES ?? "ours,main").split(",") as Mode[],
  /** Runs are started in this many equal steps; memory is measured after each (the slope is per run). */
  steps: Math.max(2, Number(env.BENCH_STEPS ?? 4)),
  idleMs: Number(env.BENCH_IDLE_S ?? 10) * 1000,
  /** After each step's follows start, for them to go quiet. */
  warmMs: Number(env.BENCH_WARM_S ?? 6) * 1000,
  /**
   * After the last step, before the idle window: the start burst's aftermath (V8's memory reducer
   * collecting, the last step's runs reaching the 1 s quiet cadence) takes about as long, and idle
   * is the steady state of runs that are quiet, not that aftermath (6 s read 11.9 %, 12–30 s 8.9–9.2 %).
   */
  settleMs: Number(env.BENCH_SETTLE_S ?? 10) * 1000,
  activeMs: Number(env.BENCH_ACTIVE_S ?? 10) * 1000,
  lineMs: Number(env.BENCH_LINE_MS ?? 200),
  lineBytes: Number(env.BENCH_LINE_BYTES ?? 2048),
  /** Print what one quiet run holds in the main thread's heap, by object kind (heap-census.ts). */
  heapCensus: env.BENCH_HEAP_CENSUS === "1",
  /** Print the steady lines' latency by the second of the active window they were written in. */
  latencyBySecond: env.BENCH_LATENCY_BY_SECOND === "1",
} as const;

/** Run `index`'s files, laid out as runs are: <root>/<company>/<agent>/<run>/. */
export function targetOf(root: string, index: number | "probe"): TailTarget {
  const dir = join(root, "bench", `agent-${index}`, `run-${index}`);
  return {
    root,
    stdoutPath: join(dir, "stdout.ndjson"),
    stderrPath: join(dir, "stderr.log"),
    trailerPath: join(dir, "trailer.json"),
  };
}

export const sessionIdOf = (index: number): string => `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
