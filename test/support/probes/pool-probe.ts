/**
 * Stands for the rest of the Paperclip process while runs go on: a worker thread (its own event
 * loop, the process's one libuv pool) reads a small file every 100 ms and records each wait, so
 * what it measures is the pool's availability, not the main thread's busyness.
 */
import { Worker } from "node:worker_threads";

export interface PoolProbe {
  /** Settles once the worker has made its first read (a worker takes a moment to boot). */
  readonly ready: Promise<void>;
  /** Stops the probe and returns every wait in ms. */
  stop(): Promise<number[]>;
}

export function startPoolProbe(file: string): PoolProbe {
  const waits: number[] = [];
  const worker = new Worker(new URL("./pool-probe-worker.mjs", import.meta.url), { workerData: { file } });
  let started = () => undefined as void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  worker.on("message", (ms: number) => {
    waits.push(ms);
    started();
  });
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    ready,
    stop: async () => {
      worker.postMessage("stop");
      await exited;
      return waits;
    },
  };
}
