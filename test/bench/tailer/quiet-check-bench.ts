/**
 * CPU per quiet check, in µs: what one quiet run costs each second it stays quiet. A check is what
 * the follower's quiet poll would do (trailer looked up; stdout and stderr each re-opened by name
 * through the verified directory, fstat, the byte before the offset read back, closed).
 *
 *   mkdir -p .cache/quiet-check && npx esbuild test/bench/tailer/quiet-check-bench.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=.cache/quiet-check/bench.mjs && node .cache/quiet-check/bench.mjs
 *
 * Parts: "floor": the same calls through Node's synchronous fs API in a bare loop (no scheduling,
 * no bookkeeping), per check; "watches": N quiet watches on the syscall worker (the code the tailer
 * uses), each thread's CPU over the window, per check; started all at once ("burst") and spread
 * over the interval as independent runs start ("spread"). Env: BENCH_RUNS (2000), BENCH_WINDOW_S (10).
 */
import { mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as fs from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BoundedFileSystem, defaultFileSystemBounds } from "../../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import type { QuietWatch } from "../../../src/ports/file-system-port.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 2000);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_S ?? 10) * 1000;
const LINE = '{"type":"system","subtype":"init"}\n';

interface RunFiles {
  readonly dir: string;
  readonly below: string;
}

function layOut(root: string): RunFiles[] {
  return Array.from({ length: RUNS }, (_, i) => {
    const below = join("bench", `agent-${i}`, `run-${i}`);
    const dir = join(root, below);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "stdout.ndjson"), LINE);
    writeFileSync(join(dir, "stderr.log"), "");
    return { dir, below };
  });
}

/** CPU ms per thread of this process (Linux /proc/self/task/<tid>/stat, ticks of 10 ms). */
function threadCpuMs(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      out.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended.
    }
  }
  return out;
}

function floor(runs: readonly RunFiles[]): number {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = fs.constants;
  const flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  const dirs = runs.map((r) => openSync(r.dir, flags | O_DIRECTORY));
  const probe = Buffer.allocUnsafeSlow(2);
  const absent = { throwIfNoEntry: false } as const;
  const rounds = Math.max(1, Math.round(20_000 / RUNS));
  const started = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    for (const dir of dirs) {
      const prefix = `/proc/self/fd/${dir}/`;
      fs.lstatSync(`${prefix}trailer.json`, absent);
      const out = fs.openSync(`${prefix}stdout.ndjson`, flags);
      fs.fstatSync(out);
      fs.readSync(out, probe, 0, 2, LINE.length - 1);
      fs.closeSync(out);
      const err = fs.openSync(`${prefix}stderr.log`, flags);
      fs.fstatSync(err);
      fs.readSync(err, probe, 0, 1, 0);
      fs.closeSync(err);
    }
  }
  const used = process.cpuUsage(started);
  for (const dir of dirs) closeSync(dir);
  return (used.user + used.system) / (rounds * RUNS);
}

async function watches(root: string, runs: readonly RunFiles[], spreadMs: number): Promise<string> {
  const bounds = defaultFileSystemBounds();
  const fileSystem = new SyscallWorkerFileSystem(new BoundedFileSystem(new NodeFileSystem(), bounds), bounds);
  // Opening one file starts the thread and learns each file's identity as the follower would.
  const started: QuietWatch[] = [];
  for (const [i, run] of runs.entries()) {
    const identityOf = async (path: string) => {
      const file = await fileSystem.open(path, { under: root });
      const { device, inode } = await file.status();
      await file.close();
      return { device, inode };
    };
    const stdout = join(run.dir, "stdout.ndjson");
    const stderr = join(run.dir, "stderr.log");
    const lastByte = LINE.charCodeAt(LINE.length - 1);
    started.push(
      fileSystem.watchQuiet({
        intervalMs: 1000,
        scope: { under: root },
        files: [
          { path: stdout, identity: await identityOf(stdout), offset: LINE.length, lastByte },
          { path: stderr, identity: await identityOf(stderr), offset: 0, lastByte: -1 },
        ],
        absent: [join(run.dir, "trailer.json")],
      }),
    );
    if (spreadMs > 0 && i % 20 === 19) await sleep((spreadMs * 20) / runs.length);
  }
  await sleep(2000);
  const before = threadCpuMs();
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const wall = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const after = threadCpuMs();
  const changedEarly = (await Promise.race([Promise.any(started.map((w) => w.done)), sleep(0, "none")])) ?? "none";
  for (const w of started) w.wake();
  await fileSystem.close();
  const deltas = [...after].map(([tid, ms]) => ({ tid, ms: ms - (before.get(tid) ?? ms) }));
  const main = deltas.find((d) => d.tid === String(process.pid))?.ms ?? NaN;
  const others = deltas.filter((d) => d.tid !== String(process.pid)).sort((a, b) => b.ms - a.ms);
  const worker = others[0]?.ms ?? NaN;
  const rest = others.slice(1).reduce((sum, d) => sum + d.ms, 0);
  const checks = (RUNS * wall) / 1000;
  const all = (used.user + used.system) / 1000;
  return (
    `all threads ${((all * 1000) / checks).toFixed(1)} µs/check (${((all / wall) * 100).toFixed(1)} % of a core); ` +
    `busiest thread (the worker) ${((worker * 1000) / checks).toFixed(1)} µs, main ${((main * 1000) / checks).toFixed(1)} µs, ` +
    `others ${((rest * 1000) / checks).toFixed(1)} µs; a watch ended early: ${changedEarly}`
  );
}

const root = mkdtempSync(join(tmpdir(), "quiet-check-bench-"));
try {
  const runs = layOut(root);
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(" ");
  console.log(`quiet-check bench: node ${process.version}, ${cpus()[0]?.model ?? "?"}, N = ${RUNS}, load ${load()}`);
  console.log(`floor (Node's sync fs API, bare loop): ${floor(runs).toFixed(1)} µs/check`);
  console.log(`watches, burst: ${await watches(root, runs, 0)}`);
  console.log(`watches, spread over 1 s: ${await watches(root, runs, 1000)}`);
  console.log(`load at the end: ${load()}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
