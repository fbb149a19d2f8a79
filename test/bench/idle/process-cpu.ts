/** CPU and memory of the tailing process, as the idle bench measures them. */
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

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

export interface CpuShare {
  /** All threads, % of one core over the window's wall time. */
  readonly cpu: number;
  /** The main thread's share of it (the rest: the syscall worker, GC and libuv threads). */
  readonly mainCpu: number;
  readonly elu: number;
}

export async function cpuPercentOver(ms: number): Promise<CpuShare> {
  const cpu = process.cpuUsage();
  const mainCpu = mainThreadCpuMs();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(cpu);
  const wall = performance.now() - started;
  return {
    cpu: ((used.user + used.system) / 1000 / wall) * 100,
    mainCpu: ((mainThreadCpuMs() - mainCpu) / wall) * 100,
    elu: performance.eventLoopUtilization(elu).utilization,
  };
}

/** The process's memory once the garbage collector has run: what is held, not what awaits collection. */
export interface MemoryPoint {
  readonly rss: number;
  /**
   * RSS less the main heap's free space (heapTotal − heapUsed): what V8 reserves and frees as it
   * resizes its heap (it grows under a burst of starts and shrinks seconds later) is taken out, so
   * a slope of it is what runs hold, the worker thread's heap and native memory included.
   */
  readonly rssHeld: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  /** Memory outside the JS heap held by JS objects (array buffers included). */
  readonly external: number;
  readonly arrayBuffers: number;
}

export async function settledMemory(): Promise<MemoryPoint> {
  // Twice, with a pause between: weak callbacks and finalizers of the first collection free more.
  gc();
  await sleep(100);
  gc();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, rssHeld: rss - (heapTotal - heapUsed), heapUsed, heapTotal, external, arrayBuffers };
}

export type MemoryKiB = { readonly [K in keyof MemoryPoint]: number };

const FIELDS = ["rss", "rssHeld", "heapUsed", "heapTotal", "external", "arrayBuffers"] as const;

/** (to − from) / count, in KiB. */
export function perRunKiB(from: MemoryPoint, to: MemoryPoint, count: number): MemoryKiB {
  return slopeKiB([
    { runs: 0, memory: from },
    { runs: count, memory: to },
  ]);
}

/** KiB per run: each field's least-squares slope over the points (two points: their difference over the runs between). */
export function slopeKiB(points: readonly { readonly runs: number; readonly memory: MemoryPoint }[]): MemoryKiB {
  const meanRuns = points.reduce((sum, p) => sum + p.runs, 0) / points.length;
  const spread = points.reduce((sum, p) => sum + (p.runs - meanRuns) ** 2, 0);
  const slope = (key: keyof MemoryPoint) => {
    const mean = points.reduce((sum, p) => sum + p.memory[key], 0) / points.length;
    const covariance = points.reduce((sum, p) => sum + (p.runs - meanRuns) * (p.memory[key] - mean), 0);
    return spread > 0 ? covariance / spread / 1024 : NaN;
  };
  return Object.fromEntries(FIELDS.map((key) => [key, slope(key)])) as unknown as MemoryKiB;
}
