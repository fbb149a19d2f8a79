/**
 * Stands for the rest of the Paperclip process while runs go on: a worker thread (its own event
 * loop, the process's one libuv pool) reads a small file every 100 ms and records each wait, so
 * what it measures is the pool's availability, not the main thread's busyness.
 */
import { Worker } from "node:worker_threads";

export interface PoolProbe {
  /** Stops the probe and returns every wait in ms. */
  stop(): Promise<number[]>;
}

export function startPoolProbe(file: string): PoolProbe {
  const waits: number[] = [];
  const worker = new Worker(new URL("./pool-probe-worker.mjs", import.meta.url), { workerData: { file } });
  worker.on("message", (ms: number) => waits.push(ms));
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    stop: async () => {
      worker.postMessage("stop");
      await exited;
      return waits;
    },
  };
}
