/**
 * Run-script benchmark: what the pod script adds around claude — the fixed cost of a run (init
 * container, mirror start/stop, trailer) and the wall time for large outputs mirrored to the
 * container's stdout — against the fake claude writing the same bytes to a file with no script.
 *
 *   npx esbuild test/bench/run-script/run-script-bench.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/run-script-bench/bench.mjs && \
 *     FAKE_CLAUDE_PATH=$PWD/test/support/fake-claude/claude node /tmp/run-script-bench/bench.mjs
 *
 * Env: BENCH_RUNS (5 empty runs), BENCH_MB (100 MiB of output), RUN_SCRIPT_SHELL (another sh).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  buildManifests,
  createPodWorld,
  deliverPrompt,
  runPod,
  type PodWorld,
} from "../../integration/run-script/pod-harness.js";

const MiB = 1024 * 1024;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MB = Number(process.env.BENCH_MB ?? 100);
const LINE = 64 * 1024;

async function timedRun(env: Record<string, string>): Promise<{ ms: number; world: PodWorld; bytes: number }> {
  const world = createPodWorld();
  const manifests = buildManifests(world.spec);
  await deliverPrompt(world.paths, "bench");
  const started = performance.now();
  const run = await runPod(manifests, world, env);
  const ms = performance.now() - started;
  if (run.exitCode !== 0) throw new Error(`run failed: ${run.stderr.toString()}`);
  return { ms, world, bytes: run.stdout.length };
}

function baseline(env: Record<string, string>): number {
  const world = createPodWorld();
  const started = performance.now();
  const result = spawnSync(join(world.binDir, "claude"), [], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "ignore"],
  });
  const ms = performance.now() - started;
  world.cleanup();
  if (result.status !== 0) throw new Error("baseline fake claude failed");
  return ms;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const empty: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const { ms, world } = await timedRun({});
  empty.push(ms);
  world.cleanup();
}
const emptyBaseline = median(Array.from({ length: RUNS }, () => baseline({})));
console.log(
  `empty run: median ${median(empty).toFixed(0)} ms for init + script + trailer ` +
    `(fake claude alone: ${emptyBaseline.toFixed(0)} ms)`,
);

const lines = String(Math.round((MB * MiB) / LINE));
const big = { FAKE_CLAUDE_LINES: lines, FAKE_CLAUDE_LINE_BYTES: String(LINE) };
const bigBaselineMs = baseline({ ...big, FAKE_CLAUDE_STDOUT: "" });
const { ms, world, bytes } = await timedRun(big);
world.cleanup();
console.log(
  `${MB} MiB of output: ${ms.toFixed(0)} ms through the script (${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s ` +
    `mirrored byte for byte), fake claude alone ${bigBaselineMs.toFixed(0)} ms`,
);
