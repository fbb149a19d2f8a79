/**
 * The idle bench's tailing process: N runs streamed as the orchestrator streams them (the real
 * RunStreamer over the tailer as the container wires it), started in equal steps so that memory
 * per quiet run is the slope between steps (the fixed cost of the wiring and of V8's heap after
 * the first burst apart); then an idle window; then a writer process makes every run active and
 * ends each as run-endings.ts plans, and the domain's classifier judges every ending.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BoundedFileSystem, defaultFileSystemBounds } from "../../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { classifyEnding } from "../../../src/domain/outcome/classify-outcome.js";
import { RunStreamer, type PodEnd, type StreamedRun } from "../../../src/domain/run/run-streamer.js";
import { DEFAULT_TAIL_OPTIONS, LogTailer, type TailTarget } from "../../../src/domain/tailer/log-tailer.js";
import { BoundedFileSystem as MainBoundedFileSystem } from "../baseline-tailer/bounded-file-system.js";
import { LogTailer as MainLogTailer } from "../baseline-tailer/log-tailer.js";
import { NodeFileSystem as MainNodeFileSystem } from "../baseline-tailer/node-file-system.js";
import { initLine, MARKER_TAIL_CHARS, readMarker } from "../scale/bench-lines.js";
import { RunLedger } from "../scale/line-ledger.js";
import { SETTINGS, sessionIdOf, targetOf, type Mode } from "./bench-settings.js";
import { cpuPercentOver, perRunKiB, settledMemory, slopeKiB, type CpuShare, type MemoryKiB } from "./process-cpu.js";
import { censusGrowth, takeHeapCensus, type HeapCensus } from "./heap-census.js";
import { endingOf, expectedLineCounts, podEndOf } from "./run-endings.js";

export interface ChildResult {
  readonly mode: Mode;
  readonly runs: number;
  readonly idle: CpuShare;
  /** Least-squares slope over the steps after the first (both steps when there are two): what one more quiet run costs. */
  readonly marginalKiB: MemoryKiB;
  /** The wired tailer with no run (its thread started by one finished run) over the bare process, MiB. */
  readonly fixedRssMiB: number;
  /** RSS growth from the bare process to N quiet runs, over N: the fixed cost spread over the runs. */
  readonly totalRssPerRunKiB: number;
  readonly activeCpuPercent: number;
  readonly latency: { readonly all: Percentiles; readonly wakeUp: Percentiles; readonly steady: Percentiles };
  readonly lines: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly corrupt: number;
  /** Tails that did not end as the run's ending says (complete with a trailer, failed without). */
  readonly tailsEndedWrong: number;
  readonly misclassified: number;
  readonly notes: readonly string[];
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: at(1), count: sorted.length };
}

function tailerFor(mode: Mode, clock: SystemClock): LogTailer {
  // The frozen copy has the same shape; its private fields make the class types nominally different.
  if (mode === "main") return new MainLogTailer(new MainBoundedFileSystem(new MainNodeFileSystem()), clock) as never;
  // As src/container.ts wires it: the tail's calls on the syscall worker, the rest bounded.
  const bounds = defaultFileSystemBounds();
  return new LogTailer(new SyscallWorkerFileSystem(new BoundedFileSystem(new NodeFileSystem(), bounds), bounds), clock);
}

function layOut(target: TailTarget, stdout: string): void {
  mkdirSync(join(target.stdoutPath, ".."), { recursive: true });
  writeFileSync(target.stdoutPath, stdout);
  writeFileSync(target.stderrPath, "");
}

/** One run's bench-side state, all made before the first measurement so that it is not counted as the tailer's. */
interface BenchRun {
  readonly index: number;
  readonly target: TailTarget;
  readonly ledger: RunLedger;
  readonly abort: AbortController;
  readonly podEnded: Promise<PodEnd>;
  readonly endPod: (end: PodEnd) => void;
}

export async function tailChild(mode: Mode, runs: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "idle-tail-bench-"));
  const none: number[] = [];
  const benchRuns: BenchRun[] = Array.from({ length: runs }, (_, index) => {
    const target = targetOf(root, index);
    layOut(target, `${initLine(sessionIdOf(index), 0, Date.now())}\n`);
    let endPod!: (end: PodEnd) => void;
    const podEnded = new Promise<PodEnd>((resolve) => (endPod = resolve));
    return { index, target, ledger: new RunLedger(none, none), abort: new AbortController(), podEnded, endPod };
  });
  // A run that is over before it starts: following it starts whatever the wiring starts lazily.
  const probe = targetOf(root, "probe");
  layOut(probe, "");
  writeFileSync(probe.trailerPath, JSON.stringify({ version: 1, exitCode: 0, stdoutBytes: 0, stderrBytes: 0 }));

  const wakeUp: number[] = [];
  /** Per run, when its first line after the idle window reached onLog. */
  const wokeAt = new Array<number>(runs).fill(Number.POSITIVE_INFINITY);
  const steady: number[] = [];
  /** Steady latencies by the second (since the active window began) their line was written in. */
  const steadyBySecond: number[][] = [];
  let activeStartedAt = 0;
  let timing = false;
  let lines = 0;
  const onLogOf = (run: BenchRun) => (stream: "stdout" | "stderr", chunk: string) => {
    const receivedAt = Date.now();
    run.ledger.accept(stream, chunk);
    lines += 1;
    const marker = timing && stream === "stdout" ? readMarker(chunk.slice(-MARKER_TAIL_CHARS - 1, -1)) : null;
    // The first line after the idle window wakes a quiet run (its 1 s quiet check), and the lines
    // written before that wake-up reached onLog come with it; the others find the run polling.
    if (marker?.seq === 1) wokeAt[run.index] = receivedAt;
    if (marker === null) return Promise.resolve();
    const latency = receivedAt - marker.writtenAt;
    if (marker.writtenAt <= (wokeAt[run.index] ?? 0)) wakeUp.push(latency);
    else {
      steady.push(latency);
      const second = Math.max(0, Math.floor((marker.writtenAt - activeStartedAt) / 1000));
      (steadyBySecond[second] ??= []).push(latency);
    }
    return Promise.resolve();
  };
  const status = () => undefined;
  const observers = benchRuns.map((run) => ({ onLog: onLogOf(run) }));

  const bare = await settledMemory();
  const clock = new SystemClock();
  const streamer = new RunStreamer(tailerFor(mode, clock), clock);
  const stream = (run: BenchRun | null): Promise<StreamedRun> => {
    const target = run?.target ?? probe;
    return streamer.stream(
      {
        paths: { root, stdout: target.stdoutPath, stderr: target.stderrPath, trailer: target.trailerPath },
        jobName: `bench-${run?.index ?? "probe"}`,
        appearTimeoutMs: DEFAULT_TAIL_OPTIONS.appearTimeoutMs,
        drainTimeoutMs: DEFAULT_TAIL_OPTIONS.drainTimeoutMs,
        limits: DEFAULT_TAIL_OPTIONS,
        podEnded: run?.podEnded ?? Promise.resolve(podEndOf(endingOf(0))),
        signal: run?.abort.signal ?? new AbortController().signal,
      },
      run === null ? { onLog: () => Promise.resolve() } : (observers[run.index] as (typeof observers)[number]),
      status,
    );
  };
  await stream(null);
  const wired = await settledMemory();

  // Equal steps: the first pays for V8's heap grown by the first burst of starts; the slope over the later ones is per run.
  const streams: Promise<StreamedRun>[] = [];
  const censuses: HeapCensus[] = [];
  const points: { runs: number; memory: Awaited<ReturnType<typeof settledMemory>> }[] = [];
  for (let step = 1; step <= SETTINGS.steps; step++) {
    const upTo = Math.round((runs * step) / SETTINGS.steps);
    for (let i = streams.length; i < upTo; i++) streams.push(stream(benchRuns[i] as BenchRun));
    await sleep(SETTINGS.warmMs);
    points.push({ runs: upTo, memory: await settledMemory() });
    if (SETTINGS.heapCensus) censuses.push(await takeHeapCensus());
  }
  if (censuses.length > 1) {
    const runsBetween = (points[points.length - 1]?.runs ?? 0) - (points[0]?.runs ?? 0);
    for (const line of censusGrowth(
      censuses[0] as HeapCensus,
      censuses[censuses.length - 1] as HeapCensus,
      runsBetween,
    ))
      console.error(line);
  }
  const last = points[points.length - 1] as (typeof points)[number];
  await sleep(SETTINGS.settleMs);
  const idle = await cpuPercentOver(SETTINGS.idleMs);

  // Active: a writer process appends to every run, then ends each; the cluster then reports the pods' ends.
  lines = 0;
  timing = true;
  activeStartedAt = Date.now();
  const writer = spawn(process.execPath, [process.argv[1] as string, "writer", root, String(runs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let written = "";
  writer.stdout.on("data", (d: Buffer) => (written += d.toString()));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new Promise((resolve) => writer.once("close", resolve));
  for (const run of benchRuns) run.endPod(podEndOf(endingOf(run.index)));
  const ended = await Promise.all(streams);
  const used = process.cpuUsage(cpu);
  const activeCpuPercent = ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
  const judged = judge(benchRuns, ended, Number(written.trim()));
  rmSync(root, { recursive: true, force: true });
  if (SETTINGS.latencyBySecond) {
    const bySecond = steadyBySecond.map((values, second) => {
      const p = percentiles(values ?? []);
      return `${second}s: p50 ${p.p50.toFixed(0)} p99 ${p.p99.toFixed(0)} (${p.count})`;
    });
    console.error(`${mode} N=${runs} steady lines by the second they were written in: ${bySecond.join(", ")}`);
  }

  const result: ChildResult = {
    mode,
    runs,
    idle,
    marginalKiB: slopeKiB(points.length > 2 ? points.slice(1) : points),
    fixedRssMiB: (wired.rss - bare.rss) / 1024 / 1024,
    totalRssPerRunKiB: perRunKiB(bare, last.memory, runs).rss,
    activeCpuPercent,
    latency: { all: percentiles([...wakeUp, ...steady]), wakeUp: percentiles(wakeUp), steady: percentiles(steady) },
    lines,
    ...judged,
  };
  console.log(JSON.stringify(result));
}

type Judged = Pick<ChildResult, "lost" | "duplicated" | "corrupt" | "tailsEndedWrong" | "misclassified" | "notes">;

/** Every line once and whole, every tail ended as its run did, every outcome as the classifier must say. */
function judge(runs: readonly BenchRun[], ended: readonly StreamedRun[], assistantLines: number): Judged {
  const judged = { lost: 0, duplicated: 0, corrupt: 0, tailsEndedWrong: 0, misclassified: 0 };
  const notes: string[] = [];
  const note = (text: string) => void (notes.length < 5 && notes.push(text));
  for (const run of runs) {
    const plan = endingOf(run.index);
    const streamed = ended[run.index] as StreamedRun;
    const expected = expectedLineCounts(plan, assistantLines);
    for (const tally of [run.ledger.stdout.tally(expected.stdout), run.ledger.stderr.tally(expected.stderr)]) {
      judged.lost += tally.lost;
      judged.duplicated += tally.duplicated;
      judged.corrupt += tally.corrupt;
      if (tally.lost + tally.duplicated + tally.corrupt > 0) note(`run ${run.index}: ${JSON.stringify(tally)}`);
    }
    const tailEnded = plan.trailer ? "complete" : "failed";
    if (streamed.tail.ended !== tailEnded) {
      judged.tailsEndedWrong += 1;
      note(
        `run ${run.index} (${plan.kind}): tail ${streamed.tail.ended}, ${streamed.tail.failure?.errorMessage ?? ""}`,
      );
    }
    const outcome = classifyEnding(
      { cancel: null, failure: null, streamed },
      {
        resumedSessionId: null,
        runSessionId: sessionIdOf(run.index),
        requestedModel: null,
        jobName: `bench-${run.index}`,
        timeoutSec: 3600,
        nowMs: Date.now(),
        billingEnv: { useBedrock: false, hasApiKey: true },
      },
    );
    const code = outcome.failure?.errorCode ?? null;
    if (code !== plan.expectedCode || (code === null && outcome.exitCode !== 0)) {
      judged.misclassified += 1;
      note(`run ${run.index} (${plan.kind}): expected ${plan.expectedCode ?? "success"}, got ${code ?? "success"}`);
    }
  }
  return { ...judged, notes };
}
