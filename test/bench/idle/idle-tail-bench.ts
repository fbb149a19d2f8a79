/**
 * Idle and active cost of N concurrent tails in one process, without a cluster: the tailer alone,
 * as the container wires it (BoundedFileSystem over NodeFileSystem, SystemClock), against real
 * files laid out as runs are (<root>/<company>/<agent>/<run>/). Compares this tree's LogTailer
 * ("ours") with a frozen copy of the tailer before the shared poll scheduler ("main", in
 * test/bench/baseline-tailer/), interleaved in separate child processes.
 *
 *   npx esbuild test/bench/idle/idle-tail-bench.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=.cache/idle-bench/bench.mjs && node --expose-gc .cache/idle-bench/bench.mjs
 *
 * Env: BENCH_RUNS (500,2000), BENCH_MODES (ours,main), BENCH_IDLE_S (10), BENCH_WARM_S (8),
 * BENCH_ACTIVE_S (10), BENCH_LINE_MS (200), BENCH_LINE_BYTES (2048).
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BoundedFileSystem, defaultFileSystemBounds } from "../../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { LogTailer } from "../../../src/domain/tailer/log-tailer.js";
import type { LineSink, TailSession, TailTarget } from "../../../src/domain/tailer/tail-types.js";
import { BoundedFileSystem as MainBoundedFileSystem } from "../baseline-tailer/bounded-file-system.js";
import { LogTailer as MainLogTailer } from "../baseline-tailer/log-tailer.js";
import { NodeFileSystem as MainNodeFileSystem } from "../baseline-tailer/node-file-system.js";

type Mode = "ours" | "main";
const env = process.env;
const RUNS = (env.BENCH_RUNS ?? "500,2000").split(",").map(Number);
const MODES = (env.BENCH_MODES ?? "ours,main").split(",") as Mode[];
const IDLE_MS = Number(env.BENCH_IDLE_S ?? 10) * 1000;
const WARM_MS = Number(env.BENCH_WARM_S ?? 8) * 1000;
const ACTIVE_MS = Number(env.BENCH_ACTIVE_S ?? 10) * 1000;
const LINE_MS = Number(env.BENCH_LINE_MS ?? 200);
const LINE_BYTES = Number(env.BENCH_LINE_BYTES ?? 2048);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

interface ChildResult {
  mode: Mode;
  runs: number;
  idleCpuPercent: number;
  /** The main thread's share of idleCpuPercent (the rest is the syscall worker, GC and libuv threads). */
  idleMainCpuPercent: number;
  idleElu: number;
  rssPerQuietRunKiB: number;
  /** Of it, the JS heap (objects) and memory outside it (native, e.g. decoders and array buffers). */
  heapPerQuietRunKiB: number;
  /** V8 heap reserved (heapTotal), per run; and RSS per run again at the end of the idle window. */
  heapTotalPerQuietRunKiB: number;
  rssPerQuietRunAfterIdleKiB: number;
  externalPerQuietRunKiB: number;
  arrayBuffersPerQuietRunKiB: number;
  activeCpuPercent: number;
  p50: number;
  p99: number;
  max: number;
  lines: number;
  lost: number;
  duplicated: number;
  failedTails: number;
}

function targetOf(root: string, index: number): TailTarget {
  const dir = join(root, "bench", `agent-${index}`, `run-${index}`);
  return {
    root,
    stdoutPath: join(dir, "stdout.ndjson"),
    stderrPath: join(dir, "stderr.log"),
    trailerPath: join(dir, "trailer.json"),
  };
}

function tailerFor(mode: Mode): { follow: LogTailer["follow"] } {
  const clock = new SystemClock();
  if (mode === "main") return new MainLogTailer(new MainBoundedFileSystem(new MainNodeFileSystem()), clock);
  // As src/container.ts wires it: the tail's calls on the syscall worker, the rest bounded.
  const bounds = defaultFileSystemBounds();
  return new LogTailer(new SyscallWorkerFileSystem(new BoundedFileSystem(new NodeFileSystem(), bounds), bounds), clock);
}

/** CPU ms of this process's main thread (Linux: /proc/self/task/<pid>/stat, in clock ticks of 10 ms). */
function mainThreadCpuMs(): number {
  try {
    if (!readdirSync("/proc/self/task").includes(String(process.pid))) return NaN;
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after the "pid (comm)" prefix.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

function cpuPercentOver(ms: number): Promise<{ cpu: number; mainCpu: number; elu: number }> {
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  return sleep(ms).then(() => {
    const used = process.cpuUsage(cpu);
    const wall = performance.now() - started;
    return {
      cpu: ((used.user + used.system) / 1000 / wall) * 100,
      mainCpu: ((mainThreadCpuMs() - mainCpu) / wall) * 100,
      elu: performance.eventLoopUtilization(elu).utilization,
    };
  });
}

/** The tailing process: follows N runs, measures idle, then the writers' active window. */
async function tailChild(mode: Mode, runs: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "idle-tail-bench-"));
  const targets = Array.from({ length: runs }, (_, i) => targetOf(root, i));
  for (const t of targets) {
    mkdirSync(join(t.stdoutPath, ".."), { recursive: true });
    writeFileSync(t.stdoutPath, `{"type":"system","subtype":"init","seq":0,"at":${Date.now()}}\n`);
    writeFileSync(t.stderrPath, "");
  }
  const latencies: number[] = [];
  const nextSeq = new Array<number>(runs).fill(0);
  let lost = 0;
  let duplicated = 0;
  let lines = 0;
  const sinkFor =
    (index: number): LineSink =>
    (stream, chunk) => {
      if (stream !== "stdout") return;
      const seq = Number(/"seq":(\d+)/.exec(chunk)?.[1] ?? -1);
      const at = Number(/"at":(\d+)/.exec(chunk)?.[1] ?? 0);
      lines += 1;
      if (seq > 0) latencies.push(Date.now() - at);
      const expected = nextSeq[index] ?? 0;
      if (seq < expected) duplicated += 1;
      else if (seq > expected) lost += seq - expected;
      nextSeq[index] = seq + 1;
    };
  gc();
  const rssBefore = process.memoryUsage();
  const tailer = tailerFor(mode);
  const sessions: TailSession[] = targets.map((t, i) => tailer.follow(t, sinkFor(i)));
  await sleep(WARM_MS);
  gc();
  const rssQuiet = process.memoryUsage();
  const idle = await cpuPercentOver(IDLE_MS);
  gc();
  const rssAfterIdle = process.memoryUsage();

  // Active: a writer process appends one line per run every LINE_MS, then writes the trailers.
  const writer = spawn(process.execPath, [process.argv[1] as string, "writer", root, String(runs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const writerClosed = new Promise((resolve) => writer.once("close", resolve));
  latencies.length = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let written = "";
  writer.stdout.on("data", (d: Buffer) => (written += d.toString()));
  const summaries = await Promise.all(sessions.map((s) => s.done));
  await writerClosed;
  const used = process.cpuUsage(cpu);
  const perRun = Number(written.trim());
  for (let i = 0; i < runs; i++) lost += Math.max(0, perRun - (nextSeq[i] ?? 0));
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  const result: ChildResult = {
    mode,
    runs,
    idleCpuPercent: idle.cpu,
    idleMainCpuPercent: idle.mainCpu,
    idleElu: idle.elu,
    rssPerQuietRunKiB: (rssQuiet.rss - rssBefore.rss) / 1024 / runs,
    heapPerQuietRunKiB: (rssQuiet.heapUsed - rssBefore.heapUsed) / 1024 / runs,
    heapTotalPerQuietRunKiB: (rssQuiet.heapTotal - rssBefore.heapTotal) / 1024 / runs,
    rssPerQuietRunAfterIdleKiB: (rssAfterIdle.rss - rssBefore.rss) / 1024 / runs,
    externalPerQuietRunKiB: (rssQuiet.external - rssBefore.external) / 1024 / runs,
    arrayBuffersPerQuietRunKiB: (rssQuiet.arrayBuffers - rssBefore.arrayBuffers) / 1024 / runs,
    activeCpuPercent: ((used.user + used.system) / 1000 / (performance.now() - started)) * 100,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    lines,
    lost,
    duplicated,
    failedTails: summaries.filter((s) => s.ended !== "complete").length,
  };
  rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

/** The pods' stand-in: appends `LINE_BYTES` lines for ACTIVE_MS, then each run's trailer (temp + rename). */
async function writerChild(root: string, runs: number): Promise<void> {
  const targets = Array.from({ length: runs }, (_, i) => targetOf(root, i));
  const fds = targets.map((t) => openSync(t.stdoutPath, "a"));
  const padding = "x".repeat(Math.max(0, LINE_BYTES - 80));
  const end = Date.now() + ACTIVE_MS;
  let seq = 1;
  // Spread each round's writes over the interval, as independent pods would.
  while (Date.now() < end) {
    const roundStart = Date.now();
    for (let i = 0; i < runs; i++) {
      const line = `{"type":"assistant","seq":${seq},"at":${Date.now()},"pad":"${padding}"}\n`;
      writeSync(fds[i] as number, line);
      if (i % 100 === 99) await sleep(Math.max(0, (LINE_MS * (i + 1)) / runs - (Date.now() - roundStart)));
    }
    seq += 1;
    await sleep(Math.max(0, LINE_MS - (Date.now() - roundStart)));
  }
  for (const fd of fds) closeSync(fd);
  for (const t of targets) {
    const trailer = JSON.stringify({
      version: 1,
      exitCode: 0,
      stdoutBytes: statSync(t.stdoutPath).size,
      stderrBytes: 0,
    });
    writeFileSync(`${t.trailerPath}.tmp`, trailer);
    renameSync(`${t.trailerPath}.tmp`, t.trailerPath);
  }
  console.log(String(seq));
}

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

async function main(): Promise<void> {
  const [role, a, b] = process.argv.slice(2);
  if (role === "tail") return tailChild(a as Mode, Number(b));
  if (role === "writer") return writerChild(a as string, Number(b));
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(" ");
  console.log(
    `idle-tail bench: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, load ${load()}; ` +
      `warm ${WARM_MS / 1000} s, idle ${IDLE_MS / 1000} s, active ${ACTIVE_MS / 1000} s (${LINE_BYTES} B every ${LINE_MS} ms per run)\n`,
  );
  console.log(
    "| N | tailer | idle CPU % of a core | of it main thread | idle ELU | RSS KiB per quiet run | ArrayBuffer KiB per quiet run | active CPU % | write→line ms p50 / p99 / max | lines | lost | duplicated | tails not complete |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const runs of RUNS) {
    for (const mode of MODES) {
      const r = await runChild(mode, runs);
      console.log(
        `| ${r.runs} | ${r.mode === "main" ? "main (before the scheduler)" : "ours"} | ${r.idleCpuPercent.toFixed(1)} | ${r.idleMainCpuPercent.toFixed(1)} | ${r.idleElu.toFixed(3)} | ` +
          `${r.rssPerQuietRunKiB.toFixed(1)} | ${r.arrayBuffersPerQuietRunKiB.toFixed(1)} | ${r.activeCpuPercent.toFixed(1)} | ` +
          `${r.p50.toFixed(0)} / ${r.p99.toFixed(0)} / ${r.max.toFixed(0)} | ${r.lines} | ${r.lost} | ${r.duplicated} | ${r.failedTails} |`,
      );
    }
  }
  console.log(`\nload after: ${load()}`);
}

await main();
