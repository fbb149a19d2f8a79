/**
 * Starts the syscall worker thread. Its body is source text built from self-contained functions
 * (the batch loop, the safe opens, the quiet watches and the shared open rules), so the thread
 * needs no module file of its own and works the same from `dist/`, a bundle or a test transform.
 */
import { Worker } from "node:worker_threads";
import { describeFileType } from "./node-file-errors.js";
import { podFileOpenFlags } from "./pod-file-rules.js";
import { syscallWorkerMain } from "./syscall-worker-main.js";
import type { SyscallReply } from "./syscall-worker-protocol.js";
import { safeOpensWorkerMain } from "./syscall-worker-safe-open.js";
import { quietWatchWorkerMain, type WatchReport } from "./syscall-worker-watch-main.js";

export interface WorkerListener {
  onReply(reply: SyscallReply): void;
  onWatchReport(report: WatchReport): void;
  /** The thread runs: batches (and their watchdog) wait for this, not counting its start-up. */
  onOnline(): void;
  /** The thread died; nothing sent to it will come back. */
  onError(error: Error): void;
}

const SOURCE = `(${String(syscallWorkerMain)})(${[
  safeOpensWorkerMain,
  quietWatchWorkerMain,
  describeFileType,
  podFileOpenFlags,
]
  .map(String)
  .join(", ")})`;

/** A new worker thread sharing `state`; it does not keep the process alive until `ref()`ed. */
export function startSyscallWorker(state: SharedArrayBuffer, listener: WorkerListener): Worker {
  const worker = new Worker(SOURCE, { eval: true, workerData: { state } });
  worker.unref();
  worker.on("message", (message: SyscallReply | WatchReport) =>
    "kind" in message ? listener.onWatchReport(message) : listener.onReply(message),
  );
  worker.once("online", () => listener.onOnline());
  worker.on("error", (error) => listener.onError(error));
  return worker;
}
