/**
 * The main thread's side of the syscall worker: calls are queued, every call made in one turn of
 * the event loop travels in one message, and results come back in one. Batches are pipelined: up to
 * MAX_BATCHES_OUT are with the worker at once, so it goes from one batch to the next while the main
 * thread takes the last one's results and collects the next; and a batch carries at most
 * MAX_BATCH_READ_BYTES of reads, so one run catching up on megabytes does not hold the small calls
 * of everyone else (calls waiting together are independent, so a read may travel a batch later).
 *
 * A watchdog bounds the batch the worker is running: one that has not come back within
 * `callTimeoutMs` fails its calls with ETIMEDOUT (`k8s_fs_call_stuck`), the batches behind it fail
 * as not attempted, and until the worker returns new calls fail at once instead of piling up
 * behind it (closes wait and run then). What it opened meanwhile is closed. A caller's signal
 * abandons its waiting calls at once (ECANCELED); a file opened for a caller that left is closed.
 */
import type { Worker } from "node:worker_threads";
import { FileSystemError } from "../ports/file-system-port.js";
import { CallSignals, PendingCall } from "./syscall-pending-calls.js";
import {
  ABANDONED_SLOT,
  Op,
  readBytesOf,
  type Call,
  type SyscallBatch,
  type SyscallReply,
} from "./syscall-worker-protocol.js";
import { failureError, unpackReply, type CallFailure, type CallResult } from "./syscall-worker-replies.js";
import { startSyscallWorker } from "./syscall-worker-thread.js";
import { STATE_BYTES, type WatchReport, type WatchStart, type WatchStop } from "./syscall-worker-watch-main.js";

/** Calls per message: bounds what one stuck call can take down with it. */
const MAX_BATCH_CALLS = 128;
/** Bytes of reads per batch (a single larger read travels alone). */
const MAX_BATCH_READ_BYTES = 4 * 1024 * 1024;
/** Batches with the worker at once: it runs the next while the main thread takes the last one's results. */
const MAX_BATCHES_OUT = 8;

interface OutBatch {
  readonly id: number;
  readonly calls: readonly PendingCall[];
  abandoned: boolean;
}

export interface BatchHooks {
  onWatchReport(report: WatchReport): void;
  /** Every quiet watch must end now (the worker failed, stopped or is stuck). */
  endWatches(): void;
}

export class SyscallBatches {
  readonly state = new SharedArrayBuffer(STATE_BYTES);
  /** Stopped by `close()`: no call or watch starts a thread again. */
  private closed = false;
  /** Threads started so far: a descriptor is closed only by the thread that opened it (a thread's own close with it when it ends). */
  private threads = 0;
  /** Started at the first call: a container that never tails never starts a thread. */
  private started: Worker | null = null;
  private online = false;
  /** Quiet watches are waiting: the thread keeps the process alive, as a batch out does. */
  private watching = false;
  private queue: PendingCall[] = [];
  /** Batches with the worker, oldest (running) first. */
  private readonly out: OutBatch[] = [];
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private flushScheduled = false;
  private nextBatchId = 1;
  private sent = 0;
  /** Set while an abandoned batch (or a quiet check) still holds the worker: what it was, since when. */
  private stuck: { readonly path: string; readonly since: number } | null = null;
  private readonly signals = new CallSignals();

  constructor(
    private readonly callTimeoutMs: number,
    private readonly hooks: BatchHooks,
  ) {}

  get generation(): number {
    return this.threads;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isStuck(): boolean {
    return this.stuck !== null;
  }

  get batchesSent(): number {
    return this.sent;
  }

  private get worker(): Worker {
    if (this.started !== null) return this.started;
    this.threads += 1;
    this.started = startSyscallWorker(this.state, {
      onReply: (reply) => this.onReply(reply),
      onWatchReport: (report) => this.hooks.onWatchReport(report),
      onOnline: () => {
        this.online = true;
        this.flush();
      },
      onError: (error) => {
        // Everyone waiting learns why; the next call starts a fresh thread.
        this.failEverything(`the file-system worker failed: ${error.message}`);
        this.started = null;
        this.online = false;
      },
    });
    return this.started;
  }

  /** Stops the worker (calls still waiting fail). */
  async close(): Promise<void> {
    this.closed = true;
    this.failEverything("the file-system worker was stopped");
    const worker = this.started;
    this.started = null;
    this.online = false;
    await worker?.terminate();
  }

  /** A quiet watch message, starting the thread if needed. */
  post(message: WatchStart | WatchStop): void {
    if (!this.closed) this.worker.postMessage(message);
  }

  /** Keeps the process alive while quiet watches wait on the worker, or lets it go. */
  holdProcess(hold: boolean): void {
    this.watching = hold;
    if (hold) this.started?.ref();
    else if (this.out.length === 0) this.started?.unref();
  }

  /** A quiet watch's check outlived the bound (`true`; the watches have ended) or came back (`false`). */
  markTickStuck(stuck: boolean): void {
    if (!stuck) {
      if (!this.holdsAbandoned()) this.stuck = null;
      return;
    }
    this.started?.unref();
    this.stuck ??= { path: "a quiet run's check", since: Date.now() };
    for (const pending of this.queue) if (!pending.mustRun) pending.reject(this.stuckError(pending.path));
  }

  submit(call: Call, path: string, signal: AbortSignal | undefined, mustRun = false): Promise<CallResult> {
    if (this.closed) return Promise.reject(new FileSystemError("EOTHER", path, "the file-system worker was stopped"));
    if (!mustRun && this.stuck !== null) return Promise.reject(this.stuckError(path));
    return new Promise<CallResult>((resolve, reject) => {
      const pending = new PendingCall(call, path, mustRun ? undefined : signal, mustRun, this.signals, resolve, reject);
      if (pending.signal?.aborted) return pending.abandon();
      this.signals.watch(pending);
      this.queue.push(pending);
      this.scheduleFlush();
    });
  }

  // ---- sending --------------------------------------------------------------------------------

  private holdsAbandoned(): boolean {
    return this.out[0]?.abandoned === true;
  }

  private canSend(): boolean {
    return this.out.length < MAX_BATCHES_OUT && !this.holdsAbandoned();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.canSend()) return;
    this.flushScheduled = true;
    // After this turn's promise continuations, so every run's next call joins the same batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const worker = this.worker;
    if (!this.online) return;
    while (this.queue.length > 0 && this.canSend()) this.send(worker);
  }

  /** Sends the next batch: calls in the order they came, reads past the byte budget left for the next. */
  private send(worker: Worker): void {
    const calls: PendingCall[] = [];
    const later: PendingCall[] = [];
    let readBytes = 0;
    let rest = 0;
    for (; rest < this.queue.length && calls.length < MAX_BATCH_CALLS && later.length < MAX_BATCH_CALLS; rest++) {
      const pending = this.queue[rest] as PendingCall;
      if (pending.settled) continue;
      const bytes = readBytesOf(pending.call);
      if (bytes > 0 && calls.length > 0 && readBytes + bytes > MAX_BATCH_READ_BYTES) later.push(pending);
      else {
        readBytes += bytes;
        calls.push(pending);
      }
    }
    this.queue = rest === this.queue.length ? later : later.concat(this.queue.slice(rest));
    if (calls.length === 0) return;
    const batch: OutBatch = { id: this.nextBatchId++, calls, abandoned: false };
    this.out.push(batch);
    if (this.out.length === 1) this.armWatchdog();
    this.sent += 1;
    worker.ref();
    const flat: (string | number | SharedArrayBuffer)[] = [];
    for (const pending of calls) for (const value of pending.call) flat.push(value);
    worker.postMessage({ id: batch.id, calls: flat, count: calls.length } satisfies SyscallBatch);
  }

  /** The watchdog follows the oldest batch out: the one the worker is running. */
  private armWatchdog(): void {
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
    const running = this.out[0];
    if (running === undefined || running.abandoned) return;
    this.watchdog = setTimeout(() => this.onStuck(running), this.callTimeoutMs);
    this.watchdog.unref();
  }

  // ---- results --------------------------------------------------------------------------------

  private onReply(reply: SyscallReply): void {
    const index = this.out.findIndex((batch) => batch.id === reply.id);
    const batch = this.out[index];
    if (batch === undefined) return;
    this.out.splice(index, 1);
    if (index === 0) this.armWatchdog();
    if (this.out.length === 0 && !this.watching) this.started?.unref();
    if (reply.abandoned) {
      if (!this.holdsAbandoned()) this.stuck = null;
    } else {
      unpackReply(batch.calls, reply, (at, result, failure) =>
        this.deliver(batch.calls[at] as PendingCall, result, failure),
      );
    }
    if (this.queue.length > 0) this.scheduleFlush();
  }

  private deliver(pending: PendingCall, result: CallResult | null, failure: CallFailure | null): void {
    if (pending.settled) {
      // Its caller left: a file opened for it is closed, not leaked.
      if (result !== null && pending.call[0] === Op.open) {
        void this.submit([Op.close, result.first], pending.path, undefined, true).catch(() => undefined);
      }
      return;
    }
    if (result !== null) pending.resolve(result);
    else pending.reject(failureError(failure as CallFailure, pending.path, pending.call));
  }

  // ---- a stuck worker -------------------------------------------------------------------------

  /** The running batch outlived the watchdog: it and those behind it fail, new calls fail fast until the worker returns. */
  private onStuck(running: OutBatch): void {
    this.watchdog = null;
    if (this.out[0] !== running || running.abandoned) return;
    for (const batch of this.out) batch.abandoned = true;
    Atomics.store(new Int32Array(this.state), ABANDONED_SLOT, (this.out[this.out.length - 1] as OutBatch).id);
    // A thread stuck in the kernel must not keep the process from exiting.
    this.started?.unref();
    this.stuck = { path: running.calls[0]?.path ?? "(unknown)", since: Date.now() };
    const timedOut = (path: string) =>
      new FileSystemError("ETIMEDOUT", path, `did not finish within ${this.callTimeoutMs} ms`);
    for (const pending of running.calls) pending.reject(timedOut(pending.path));
    for (const batch of this.out.slice(1))
      for (const pending of batch.calls) pending.reject(this.stuckError(pending.path));
    for (const pending of this.queue) if (!pending.mustRun) pending.reject(this.stuckError(pending.path));
    // Nothing is checked while the worker is held: every quiet run polls, and meets the stuck call.
    this.hooks.endWatches();
  }

  private failEverything(why: string): void {
    this.hooks.endWatches();
    const everyone = [...this.out.flatMap((batch) => batch.calls), ...this.queue];
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.out.length = 0;
    this.queue = [];
    for (const pending of everyone) pending.reject(new FileSystemError("EOTHER", pending.path, why));
  }

  private stuckError(path: string): FileSystemError {
    const stuck = this.stuck;
    const where = stuck ? ` (${stuck.path})` : "";
    return new FileSystemError(
      "ETIMEDOUT",
      path,
      `was not attempted: an earlier call on the volume${where} has not finished after ${this.callTimeoutMs} ms`,
    );
  }
}
