/**
 * LogTailer benchmarks against the seed's naive tail (naive-seed-tailer.ts), on the real file system.
 * Each measurement runs in its own child process so heaps and RSS do not mix.
 *
 *   npx esbuild test/bench/tailer/tailer-bench.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/tailer-bench/bench.mjs && node --expose-gc /tmp/tailer-bench/bench.mjs
 *
 * Env: BENCH_DIR (default /tmp/tailer-bench-<pid>), BENCH_REPEAT (3), BENCH_IDLE_SAMPLES (12),
 * BENCH_ACTIVE_SECONDS (8), BENCH_PARTS (throughput,memory,latency), BENCH_FS (container: the file
 * system src/container.ts binds; node: NodeFileSystem alone). Big files are written to
 * BENCH_DIR and deleted at the end. Run the same bundle with another `node` to measure that version.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BoundedFileSystem, defaultFileSystemBounds } from "../../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { LogTailer, type TailSummary } from "../../../src/domain/tailer/log-tailer.js";
import type { FileSystemPort } from "../../../src/ports/file-system-port.js";
import { naiveSeedTail } from "./naive-seed-tailer.js";
import { writeStreamJsonFile } from "./stream-json-fixture.js";

const MiB = 1024 * 1024;
// One directory per run (children inherit it), so two runs never delete each other's files.
const DIR = (process.env.BENCH_DIR ??= `/tmp/tailer-bench-${process.pid}`);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const IDLE_SAMPLES = Number(process.env.BENCH_IDLE_SAMPLES ?? 12);
const ACTIVE_SECONDS = Number(process.env.BENCH_ACTIVE_SECONDS ?? 8);
const PARTS = new Set((process.env.BENCH_PARTS ?? "throughput,memory,latency").split(","));

type Impl = "ours" | "naive";
const nowMs = () => performance.timeOrigin + performance.now();

interface Paths {
  root: string;
  stdoutPath: string;
  stderrPath: string;
  trailerPath: string;
}
const pathsFor = (name: string): Paths => ({
  root: DIR,
  stdoutPath: join(DIR, `${name}.pod.ndjson`),
  stderrPath: join(DIR, `${name}.pod.stderr.log`),
  trailerPath: join(DIR, `${name}.pod.trailer.json`),
});

/**
 * The file system as src/container.ts binds it: the tail's calls on the syscall worker, the rest
 * bounded; BENCH_FS=node measures the tailer over NodeFileSystem alone instead.
 */
function containerFileSystem(): FileSystemPort & { close?: () => Promise<void> } {
  if (process.env.BENCH_FS === "node") return new NodeFileSystem();
  const bounds = defaultFileSystemBounds();
  return new SyscallWorkerFileSystem(new BoundedFileSystem(new NodeFileSystem(), bounds), bounds);
}

// ---- child roles -------------------------------------------------------------------------------

/** Tails a complete file; reports wall time, bytes and peak RSS growth over the pre-tail baseline. */
async function tailOnce(impl: Impl, name: string): Promise<void> {
  const paths = pathsFor(name);
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss > peak) [peak, atPeak] = [usage.rss, usage];
  }, 5);
  let bytes = 0;
  let lines = 0;
  const sink = (_stream: string, chunk: string) => {
    bytes += chunk.length;
    lines += 1;
  };
  const started = performance.now();
  let outcome = "complete";
  try {
    if (impl === "ours") {
      const fileSystem = containerFileSystem();
      const summary: TailSummary = await new LogTailer(fileSystem, new SystemClock()).follow(paths, sink).done;
      await fileSystem.close?.();
      outcome = summary.ended === "complete" ? "complete" : `${summary.ended}: ${summary.failure?.errorMessage}`;
    } else {
      const stop = { stopped: true }; // the Job is already done: the seed goes straight to its final drain
      await naiveSeedTail(paths.stdoutPath, sink, stop);
    }
  } catch (error) {
    outcome = `failed: ${(error as Error).message}`;
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  peak = Math.max(peak, maxRss);
  // Where the peak lives: V8 heap, external strings/buffers (MiB), to explain the RSS figure.
  const breakdown = `heap ${mb(atPeak.heapTotal)}, external ${mb(atPeak.external)}, arrayBuffers ${mb(atPeak.arrayBuffers)}`;
  console.log(JSON.stringify({ seconds, chars: bytes, lines, rssGrowth: peak - baseline, outcome, breakdown }));
}

/** Writes timestamped lines: a steady stream (active) or single lines after long silences (idle). */
async function writeLatencyLines(name: string, mode: "active" | "idle"): Promise<void> {
  const paths = pathsFor(name);
  const out = openSync(paths.stdoutPath, "w");
  closeSync(openSync(paths.stderrPath, "w"));
  let written = 0;
  const line = (i: number) => `{"type":"assistant","seq":${i},"sent":${nowMs()}}\n`;
  if (mode === "active") {
    const until = Date.now() + ACTIVE_SECONDS * 1000;
    for (let i = 0; Date.now() < until; i++) {
      written += writeSync(out, line(i));
      await sleep(20);
    }
  } else {
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      await sleep(2_600 + Math.floor(Math.random() * 900)); // long enough for the 1 s idle cadence
      written += writeSync(out, line(i));
    }
  }
  await sleep(100);
  closeSync(out);
  const trailer = { version: 1, exitCode: 0, stdoutBytes: written, stderrBytes: 0 };
  writeFileSync(`${paths.trailerPath}.tmp`, JSON.stringify(trailer));
  const { renameSync } = await import("node:fs");
  renameSync(`${paths.trailerPath}.tmp`, paths.trailerPath);
}

/** Follows a file a writer process is producing; reports write→onLog latencies. */
async function measureLatency(impl: Impl, name: string, mode: "active" | "idle"): Promise<void> {
  const paths = pathsFor(name);
  rmSync(paths.stdoutPath, { force: true });
  rmSync(paths.trailerPath, { force: true });
  const latencies: number[] = [];
  const sink = (_stream: string, chunk: string) => {
    const sent = /"sent":([\d.]+)/.exec(chunk)?.[1];
    if (sent) latencies.push(nowMs() - Number(sent));
  };
  const writer = spawn(process.execPath, [process.argv[1] ?? "", "write", name, mode], { stdio: "inherit" });
  const writerDone = new Promise((resolve) => writer.on("exit", resolve));
  if (impl === "ours") {
    const fileSystem = containerFileSystem();
    const session = new LogTailer(fileSystem, new SystemClock()).follow(paths, sink);
    await writerDone;
    session.markWriterTerminated();
    await session.done;
    await fileSystem.close?.();
  } else {
    const stop = { stopped: false };
    const tail = naiveSeedTail(paths.stdoutPath, sink, stop);
    await writerDone;
    await sleep(1_100); // the seed stops on "Job done"; give it one slow poll first, as it would have
    stop.stopped = true;
    await tail;
  }
  console.log(JSON.stringify({ latencies }));
}

// ---- parent ------------------------------------------------------------------------------------

function child(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", process.argv[1] ?? "", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (data: Buffer) => (out += data.toString()));
    proc.on("exit", (code) =>
      code === 0
        ? resolve(out.trim().split("\n").pop() ?? "")
        : reject(new Error(`child ${args.join(" ")} exited ${code}`)),
    );
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

function writeComplete(name: string, options: Parameters<typeof writeStreamJsonFile>[1]): number {
  const paths = pathsFor(name);
  const { bytes } = writeStreamJsonFile(paths.stdoutPath, options);
  writeFileSync(paths.stderrPath, "");
  writeFileSync(paths.trailerPath, JSON.stringify({ version: 1, exitCode: 0, stdoutBytes: bytes, stderrBytes: 0 }));
  return bytes;
}

async function main(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const rows: string[][] = [];
  try {
    const load = loadavg().map((l) => l.toFixed(1));
    console.log(`node ${process.version}; load average ${load.join(" ")}; files in ${DIR}`);
    if (PARTS.has("throughput")) rows.push(await throughput("typical"), await throughput("unicode-dense"));
    if (PARTS.has("memory")) rows.push(await memory());
    if (PARTS.has("latency")) rows.push(...(await latency()));
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
  console.log("\n| measure | LogTailer | seed (naive) | ratio | target |\n| --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}

/** Catch-up speed on a complete 256 MiB file, runs of both implementations alternating. */
async function throughput(mix: "typical" | "unicode-dense"): Promise<string[]> {
  const bytes = writeComplete("throughput", { bytes: 256 * MiB, mix });
  const rates: Record<Impl, number[]> = { ours: [], naive: [] };
  for (let i = 0; i < REPEAT; i++) {
    for (const impl of ["naive", "ours"] as const) {
      const result = JSON.parse(await child(["tail", impl, "throughput"])) as { seconds: number; outcome: string };
      if (result.outcome !== "complete") throw new Error(`${impl} throughput run: ${result.outcome}`);
      rates[impl].push(bytes / MiB / result.seconds);
    }
  }
  rmSync(pathsFor("throughput").stdoutPath, { force: true });
  const ours = median(rates.ours);
  const naive = median(rates.naive);
  const list = (values: number[]) => values.map((r) => r.toFixed(0)).join(",");
  console.log(`throughput runs, ${mix} (MiB/s) ours=${list(rates.ours)} naive=${list(rates.naive)}`);
  return [
    `Throughput, ${mb(bytes)} ${mix} stream-json (median of ${REPEAT})`,
    `${ours.toFixed(0)} MiB/s`,
    `${naive.toFixed(0)} MiB/s`,
    `${(ours / naive).toFixed(1)}×`,
    "≥ 4× baseline",
  ];
}

/** Peak RSS growth on a 1 GiB file with a 10 MB line about every 40 MiB. */
async function memory(): Promise<string[]> {
  const bytes = writeComplete("big", { bytes: 1024 * MiB, hugeLineEvery: 40 * MiB, hugeLineBytes: 10 * MiB });
  type Run = { rssGrowth: number; outcome: string; seconds: number; breakdown: string };
  const ours = JSON.parse(await child(["tail", "ours", "big"])) as Run;
  const naive = JSON.parse(await child(["tail", "naive", "big"])) as Run;
  rmSync(pathsFor("big").stdoutPath, { force: true });
  return [
    `Peak RSS growth, ${mb(bytes)} file with 10 MB lines`,
    `${mb(ours.rssGrowth)} (${ours.outcome}, ${(bytes / MiB / ours.seconds).toFixed(0)} MiB/s; at peak ${ours.breakdown})`,
    `${mb(naive.rssGrowth)} (${naive.outcome})`,
    "",
    "< 64 MiB",
  ];
}

/** write→onLog latency with a writer process: a steady stream, and single lines after silences. */
async function latency(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const mode of ["active", "idle"] as const) {
    const result: Record<Impl, number[]> = { ours: [], naive: [] };
    for (const impl of ["ours", "naive"] as const) {
      const output = JSON.parse(await child(["latency", impl, `latency-${mode}`, mode])) as { latencies: number[] };
      result[impl] = output.latencies;
    }
    const fmt = (values: number[]) =>
      `p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms (n=${values.length})`;
    rows.push([
      `write→onLog latency, ${mode === "active" ? "while active" : "from idle"}`,
      fmt(result.ours),
      fmt(result.naive),
      "",
      mode === "active" ? "p99 ≤ 300 ms" : "p99 ≤ 1.1 s",
    ]);
  }
  return rows;
}

const [role, ...rest] = process.argv.slice(2);
if (role === "tail") await tailOnce(rest[0] as Impl, rest[1] ?? "");
else if (role === "latency") await measureLatency(rest[0] as Impl, rest[1] ?? "", rest[2] as "active" | "idle");
else if (role === "write") await writeLatencyLines(rest[0] ?? "", rest[1] as "active" | "idle");
else await main();
