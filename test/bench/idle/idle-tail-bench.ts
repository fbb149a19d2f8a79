/**
 * Idle and active cost of N concurrent runs' streaming in one process, without a cluster: the real
 * RunStreamer over the tailer as the container wires it (BoundedFileSystem over NodeFileSystem on
 * the syscall worker, SystemClock), against real files laid out as runs are
 * (<root>/<company>/<agent>/<run>/). Compares this tree's LogTailer ("ours") with a frozen copy of
 * the tailer before the shared poll scheduler ("main", in test/bench/baseline-tailer/), each N and
 * tailer in its own child process (tail-child.ts), one after the other.
 *
 *   mkdir -p .cache/idle-bench && npx esbuild test/bench/idle/idle-tail-bench.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=.cache/idle-bench/bench.mjs && node --expose-gc .cache/idle-bench/bench.mjs
 *
 * Env: BENCH_RUNS (500,2000), BENCH_MODES (ours,main), BENCH_STEPS (4), BENCH_WARM_S (6, per step),
 * BENCH_SETTLE_S (10), BENCH_IDLE_S (10), BENCH_ACTIVE_S (10), BENCH_LINE_MS (200), BENCH_LINE_BYTES (2048).
 * Prints Markdown tables to paste as they are, under a header naming the machine, Node and the
 * load: the targets met or not (summary-table.ts), then CPU, latency and correctness, then memory.
 */
import { spawn } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { markdownTable } from "../markdown-table.js";
import { SETTINGS, type Mode } from "./bench-settings.js";
import { podWriter } from "./pod-writer.js";
import { idleRatio, summaryTable } from "./summary-table.js";
import { tailChild, type ChildResult, type Percentiles } from "./tail-child.js";

function runChild(mode: Mode, runs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", process.argv[1] as string, "tail", mode, String(runs)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last) as ChildResult);
      else reject(new Error(`${mode} N=${runs} exited ${code}: ${out}`));
    });
  });
}

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
const ms = (p: Percentiles) => `${p.p50.toFixed(0)} / ${p.p99.toFixed(0)} / ${p.max.toFixed(0)}`;
const label = (mode: Mode) => (mode === "main" ? "main (before the scheduler)" : "ours");

async function main(): Promise<void> {
  const [role, a, b] = process.argv.slice(2);
  if (role === "tail") return tailChild(a as Mode, Number(b));
  if (role === "writer") return podWriter(a as string, Number(b));
  const s = SETTINGS;
  console.log(
    `idle-tail bench, ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: node ${process.version}, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load ${load()} at the start; ` +
      `${s.steps} steps of follows, ${s.warmMs / 1000} s each to go quiet, ${s.settleMs / 1000} s to settle, idle ${s.idleMs / 1000} s, active ${s.activeMs / 1000} s ` +
      `(${s.lineBytes} B every ${s.lineMs} ms per run)\n`,
  );
  const results: ChildResult[] = [];
  for (const runs of s.runs) for (const mode of s.modes) results.push(await runChild(mode, runs));
  console.log(summaryTable(results));
  console.log("");
  console.log(
    markdownTable(
      [
        "N",
        "tailer",
        "idle CPU % of a core",
        "of it main thread",
        "idle ELU",
        "active CPU %",
        "write→line ms p50 / p99 / max",
        "of it wake-up lines (quiet → active)",
        "steady lines",
        "lines",
        "lost",
        "duplicated",
        "corrupt",
        "tails ended wrong",
        "misclassified",
      ],
      results.map((r) => [
        r.runs,
        label(r.mode),
        `${r.idle.cpu.toFixed(1)}${idleRatio(results, r)}`,
        r.idle.mainCpu.toFixed(1),
        r.idle.elu.toFixed(3),
        r.activeCpuPercent.toFixed(1),
        ms(r.latency.all),
        ms(r.latency.wakeUp),
        ms(r.latency.steady),
        r.lines,
        r.lost,
        r.duplicated,
        r.corrupt,
        r.tailsEndedWrong,
        r.misclassified,
      ]),
    ),
  );
  console.log(
    "\n" +
      markdownTable(
        [
          "N",
          "tailer",
          "KiB per quiet run (marginal): RSS less the heap's free space",
          "of it JS heap used",
          "V8 heap reserved",
          "outside the heap (external)",
          "fixed: wired tailer, 0 runs, RSS MiB",
          "RSS growth / N KiB (fixed cost included)",
          "raw RSS slope KiB (moves with V8's heap sizing)",
        ],
        results.map((r) => [
          r.runs,
          label(r.mode),
          r.marginalKiB.rssHeld.toFixed(1),
          r.marginalKiB.heapUsed.toFixed(1),
          r.marginalKiB.heapTotal.toFixed(1),
          r.marginalKiB.external.toFixed(1),
          r.fixedRssMiB.toFixed(1),
          r.totalRssPerRunKiB.toFixed(1),
          r.marginalKiB.rss.toFixed(1),
        ]),
      ),
  );
  for (const r of results) for (const text of r.notes) console.log(`note ${label(r.mode)} N=${r.runs}: ${text}`);
  console.log(`\nload at the end: ${load()}`);
}

await main();
