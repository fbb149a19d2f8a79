/**
 * Scale: N concurrent `execute()` calls in one process (this one), ours vs the upstream's per-run
 * polling, against the loopback apiserver in a separate cluster process whose stand-in pods write
 * stream-json to real files (one 2 KB line every 200 ms and one 1 MB line per run). Prints one
 * summary table, the API requests by verb and resource, and details per scenario.
 *
 *   npx esbuild test/bench/scale/scale-bench.ts test/bench/scale/cluster-process.ts --bundle \
 *     --platform=node --format=esm --packages=external --outdir=.cache/scale-bench \
 *     && node --expose-gc .cache/scale-bench/scale-bench.js
 *
 * Env: BENCH_SCENARIOS (N:mode pairs in the order run, e.g. "500:ours,500:main,2000:ours,2000:baseline";
 * default: every BENCH_RUNS × BENCH_MODES), BENCH_RUNS (50,144,500), BENCH_MODES (ours,baseline; "main"
 * is the tailer before the shared poll scheduler), BENCH_ACTIVE_S (60, seconds each pod
 * streams), BENCH_IDLE_S (20, the idle window with every pod running and silent), BENCH_SETTLE_S (3),
 * BENCH_LINE_MS (200), BENCH_SMALL_BYTES (2048), BENCH_BIG_BYTES (1048576).
 * Figures of this process: CPU = process.cpuUsage() (all threads, incl. libuv's fs pool) over the
 * window's wall time; RSS = peak sampled every 100 ms. The cluster process is not counted.
 */
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { runScenario, type BenchMode, type ScenarioResult } from "./scale-scenario.js";
import { details, requestsTable, summaryTable } from "./scale-table.js";

const numbers = (text: string) => text.split(",").map(Number);
const env = process.env;
const RUNS = numbers(env.BENCH_RUNS ?? "50,144,500");
const MODES = (env.BENCH_MODES ?? "ours,baseline").split(",") as BenchMode[];
const SCENARIOS: readonly (readonly [number, BenchMode])[] = env.BENCH_SCENARIOS
  ? env.BENCH_SCENARIOS.split(",").map((pair) => {
      const [runs, mode] = pair.split(":");
      return [Number(runs), mode as BenchMode] as const;
    })
  : RUNS.flatMap((runs) => MODES.map((mode) => [runs, mode] as const));
const plan = {
  activeMs: Number(env.BENCH_ACTIVE_S ?? 60) * 1000,
  lineEveryMs: Number(env.BENCH_LINE_MS ?? 200),
  smallLineBytes: Number(env.BENCH_SMALL_BYTES ?? 2048),
  bigLineBytes: Number(env.BENCH_BIG_BYTES ?? 1024 * 1024),
};
const idleMs = Number(env.BENCH_IDLE_S ?? 20) * 1000;
const settleMs = Number(env.BENCH_SETTLE_S ?? 3) * 1000;
const clusterScript = fileURLToPath(new URL("./cluster-process.js", import.meta.url));

const cpu = cpus()[0];
console.log(
  `scale bench: node ${process.version}, ${cpus().length} × ${cpu?.model ?? "?"}, load ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}; ` +
    `scenarios ${SCENARIOS.map(([runs, mode]) => `${runs}:${mode}`).join(",")}, active ${plan.activeMs / 1000} s, idle ${idleMs / 1000} s, ` +
    `${plan.smallLineBytes} B every ${plan.lineEveryMs} ms + one ${plan.bigLineBytes} B line per run`,
);

const results: ScenarioResult[] = [];
for (const [runs, mode] of SCENARIOS) {
  const result = await runScenario({ runs, mode, plan, idleMs, settleMs, clusterScript });
  results.push(result);
  console.log(details(result));
}
console.log(`\n${summaryTable(results)}\n\n${requestsTable(results)}\n`);
console.log(
  `load after: ${loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")}`,
);
