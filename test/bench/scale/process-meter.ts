/**
 * What one window of the bench cost THIS process (the adapter's): CPU time from
 * `process.cpuUsage()` (user + system, all of the process's threads — the main thread and libuv's
 * file-system pool), event-loop utilisation of the main thread, and RSS / V8 heap sampled every
 * 100 ms. The cluster process is measured separately and never included.
 */
export interface ProcessCost {
  readonly wallMs: number;
  readonly cpuMs: number;
  /** CPU time over wall time: 100 = one core busy. */
  readonly cpuPercent: number;
  /** Share of the window the main thread's event loop was busy (0..1). */
  readonly eventLoopUtilization: number;
  readonly peakRssBytes: number;
  readonly peakHeapBytes: number;
  /** ArrayBuffers (read buffers, line carries) at the RSS peak: memory outside the V8 heap. */
  readonly arrayBuffersAtPeakBytes: number;
}

export class ProcessMeter {
  private readonly startedAt = performance.now();
  private readonly cpu = process.cpuUsage();
  private readonly elu = performance.eventLoopUtilization();
  private peakRss = 0;
  private peakHeap = 0;
  private arrayBuffersAtPeak = 0;
  private readonly sampler: ReturnType<typeof setInterval>;

  constructor() {
    this.sample();
    this.sampler = setInterval(() => this.sample(), 100);
  }

  stop(): ProcessCost {
    clearInterval(this.sampler);
    this.sample();
    const wallMs = performance.now() - this.startedAt;
    const used = process.cpuUsage(this.cpu);
    const cpuMs = (used.user + used.system) / 1000;
    return {
      wallMs,
      cpuMs,
      cpuPercent: wallMs > 0 ? (100 * cpuMs) / wallMs : 0,
      eventLoopUtilization: performance.eventLoopUtilization(this.elu).utilization,
      peakRssBytes: this.peakRss,
      peakHeapBytes: this.peakHeap,
      arrayBuffersAtPeakBytes: this.arrayBuffersAtPeak,
    };
  }

  private sample(): void {
    const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
    if (rss > this.peakRss) [this.peakRss, this.arrayBuffersAtPeak] = [rss, arrayBuffers];
    this.peakHeap = Math.max(this.peakHeap, heapUsed);
  }
}

/** The p-th percentile (0..100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
