/**
 * The tail's file calls (open, read, fstat, close, small whole-file reads) as plain synchronous
 * syscalls on ONE worker thread, batched: every call made in one turn of the event loop travels
 * in one message and comes back in one. Thousands of runs polling quiet files then cost a few
 * syscalls each instead of a libuv thread-pool round trip and a promise chain per call (measured
 * ~39 µs of CPU per poll as syscalls against ~283 µs through `fs/promises`), and the host's libuv
 * pool is not used at all. Every other call goes to `fallback` (the bounded NodeFileSystem).
 *
 * The same protections as NodeFileSystem + BoundedFileSystem:
 * - Opens walk the directories below the scope's root by descriptor, never through a symlink, and
 *   accept only a regular file with one link, opened O_NOFOLLOW | O_NONBLOCK | O_NOCTTY. A walked
 *   directory's descriptor is kept while it is used (see the worker), so a quiet file's re-open by
 *   name (what makes NFS revalidate) is one `open`, not a walk from the root.
 * - A watchdog per batch: a batch that has not come back within `callTimeoutMs` fails its calls
 *   with ETIMEDOUT (`k8s_fs_call_stuck`), and until the worker returns, new calls fail at once
 *   instead of piling up behind it (closes wait and run then). What it opened meanwhile is closed.
 *   A stuck call fails the calls batched with it: on one worker they share its fate.
 * - A caller's `scope.signal` abandons its waiting calls at once (ECANCELED); a file opened for a
 *   caller that left is closed.
 * A quiet run's slow polls can run on the worker entirely (`watchQuiet`, see
 * syscall-worker-quiet-watches.ts): the main thread hears only of files that changed.
 */
import { Worker } from "node:worker_threads";
import { basename, dirname } from "node:path";
import {
  FileSystemError,
  type FileStatus,
  type FileSystemErrorCode,
  type FileSystemPort,
  type OpenFile,
  type PathScope,
  type QuietWatch,
  type QuietWatchRequest,
} from "../ports/file-system-port.js";
import type { FileSystemBounds } from "./bounded-file-system.js";
import { componentsBelow, HAS_PROC_FD, notRegular, unsafePath } from "./node-file-system.js";
import {
  ABANDONED_SLOT,
  Op,
  PACKED_READ_LIMIT,
  RESULT_SLOTS,
  syscallWorkerMain,
  type SyscallBatch,
  type SyscallReply,
} from "./syscall-worker-main.js";
import { QuietWatches } from "./syscall-worker-quiet-watches.js";
import { quietWatchWorkerMain, STATE_BYTES, type WatchReport, type WatchStart } from "./syscall-worker-watch-main.js";

/** Calls per message: bounds what one stuck call can take down with it. */
const MAX_BATCH_CALLS = 512;
const KNOWN_CODES = new Set<FileSystemErrorCode>(["ENOENT", "ESTALE", "EIO", "EACCES", "EEXIST", "ENOTDIR", "EISDIR"]);

/** A call's arguments, flat, its op code first (see `Op`). */
type Call = readonly (string | number | SharedArrayBuffer)[];

interface Success {
  /** fd (open) or byte count (reads). */
  readonly first: number;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  /** The bytes read (reads and small files). */
  readonly bytes: Uint8Array | null;
}

interface Failure {
  readonly code: string;
  readonly message: string;
  readonly found: string;
  readonly component: string;
}

interface PendingCall {
  readonly call: Call;
  readonly path: string;
  readonly signal: AbortSignal | undefined;
  /** Closes run whatever happens: their caller's leaving must not leak a descriptor. */
  readonly mustRun: boolean;
  settled: boolean;
  readonly resolve: (result: Success) => void;
  readonly reject: (error: FileSystemError) => void;
}

interface InFlight {
  readonly id: number;
  readonly calls: readonly PendingCall[];
  readonly watchdog: ReturnType<typeof setTimeout>;
  abandoned: boolean;
}

export class SyscallWorkerFileSystem implements FileSystemPort {
  /** Whether this platform can walk directories by descriptor (`/proc/self/fd`), which the worker needs. */
  static readonly supported = HAS_PROC_FD;

  private readonly state = new SharedArrayBuffer(STATE_BYTES);
  private readonly watches: QuietWatches;
  /** Quiet watches are waiting: the thread keeps the process alive, as a batch out does. */
  private watching = false;
  /** Stopped by `close()`: no call or watch starts a thread again. */
  private closed = false;
  /** Threads started so far: a descriptor is closed only by the thread that opened it (a thread's own close with it when it ends). */
  private generation = 0;
  /** Started at the first call: a container that never tails never starts a thread. */
  private started: Worker | null = null;
  /** The thread runs: batches (and their watchdog) wait for this, not counting its start-up. */
  private online = false;
  private queue: PendingCall[] = [];
  private inFlight: InFlight | null = null;
  private flushScheduled = false;
  private nextBatchId = 1;
  private sent = 0;
  /** Set while an abandoned batch still holds the worker: what it was, since when. */
  private stuck: { readonly path: string; readonly since: number } | null = null;
  /** Calls waiting per caller signal: one abort listener per signal, not per call. */
  private readonly bySignal = new WeakMap<AbortSignal, Set<PendingCall>>();

  constructor(
    readonly fallback: FileSystemPort,
    readonly bounds: FileSystemBounds,
  ) {
    this.watches = new QuietWatches(
      new Int32Array(this.state),
      {
        post: (message) => {
          if (!this.closed) this.worker.postMessage(message);
        },
        holdProcess: (hold) => {
          this.watching = hold;
          if (hold) this.started?.ref();
          else if (this.inFlight === null) this.started?.unref();
        },
        markStuck: (stuck) => this.onTickStuck(stuck),
      },
      bounds.callTimeoutMs,
    );
  }

  private get worker(): Worker {
    if (this.started !== null) return this.started;
    this.generation += 1;
    const source = `(${String(syscallWorkerMain)})(${String(quietWatchWorkerMain)})`;
    const worker = new Worker(source, { eval: true, workerData: { state: this.state } });
    // The thread keeps the process alive only while a batch is out (see flush/onReply).
    worker.unref();
    worker.on("message", (reply: SyscallReply | WatchReport) =>
      "kind" in reply ? this.watches.onReport(reply) : this.onReply(reply),
    );
    worker.once("online", () => {
      this.online = true;
      this.flush();
    });
    worker.on("error", (error) => {
      // Everyone waiting learns why; the next call starts a fresh thread.
      this.failEverything(`the file-system worker failed: ${error.message}`);
      this.started = null;
      this.online = false;
    });
    this.started = worker;
    return worker;
  }

  /** Batches sent to the worker so far, for tests and benchmarks. */
  get batchesSent(): number {
    return this.sent;
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

  /** Shared memory, so the worker reads a large chunk straight into it: no copy between threads. */
  allocateReadBuffer(bytes: number): Uint8Array {
    return Buffer.from(new SharedArrayBuffer(bytes));
  }

  async open(path: string, scope?: PathScope): Promise<OpenFile> {
    const opened = await this.submit(this.located(Op.open, path, scope), path, scope?.signal);
    const fd = opened.first;
    const generation = this.generation;
    // The open's own fstat answers the first status() (the follower asks at once): one syscall fewer.
    let firstStatus: FileStatus | null = statusOf(opened);
    let closed = false;
    return {
      read: async (buffer, offset, length, position) => {
        if (length > PACKED_READ_LIMIT && buffer.buffer instanceof SharedArrayBuffer) {
          const call = [Op.readShared, fd, length, position, buffer.buffer, buffer.byteOffset + offset];
          return (await this.submit(call, path, scope?.signal)).first;
        }
        const result = await this.submit([Op.read, fd, length, position], path, scope?.signal);
        const count = result.first;
        if (count > 0 && result.bytes) buffer.set(result.bytes, offset);
        return count;
      },
      status: async () => {
        const first = firstStatus;
        firstStatus = null;
        if (first !== null) return first;
        return statusOf(await this.submit([Op.fstat, fd], path, scope?.signal));
      },
      close: async () => {
        if (closed) return;
        closed = true;
        // A thread that ended closed its descriptors; the number may be another file's by now.
        if (generation !== this.generation || this.closed) return;
        await this.submit([Op.close, fd], path, undefined, true);
      },
    };
  }

  watchQuiet(request: QuietWatchRequest): QuietWatch {
    // A stuck worker checks nothing: the watch ends at once and the follower's poll meets the stuck call.
    return this.watches.watch(this.stuck === null && !this.closed ? this.watchStart(request) : null);
  }

  /** The request as the worker reads it; null when a path cannot be located (the follower's poll names why). */
  private watchStart(request: QuietWatchRequest): Omit<WatchStart, "kind" | "id"> | null {
    const files: (string | number)[] = [];
    const absent: string[] = [];
    try {
      for (const file of request.files) {
        const [, , below, name] = this.located(Op.open, file.path, request.scope) as [number, string, string, string];
        const { device = 0, inode = 0 } = file.identity ?? {};
        files.push(below, name, file.identity ? 1 : 0, device, inode, file.offset, file.lastByte);
      }
      for (const path of request.absent) {
        const [, , below, name] = this.located(Op.open, path, request.scope) as [number, string, string, string];
        absent.push(below, name);
      }
    } catch {
      return null;
    }
    return { intervalMs: request.intervalMs, under: request.scope.under, files, absent };
  }

  async readSmallFile(path: string, maxBytes: number, scope?: PathScope): Promise<Uint8Array> {
    const result = await this.submit([...this.located(Op.readSmall, path, scope), maxBytes], path, scope?.signal);
    // A copy of its own: the reply's packed bytes are shared by the batch.
    return (result.bytes ?? new Uint8Array(0)).slice();
  }

  status(path: string, scope?: PathScope): Promise<FileStatus | null> {
    return this.fallback.status(path, scope);
  }

  writeFileAtomic(path: string, data: Uint8Array | string, mode?: number, scope?: PathScope): Promise<void> {
    return this.fallback.writeFileAtomic(path, data, mode, scope);
  }

  makeDirectory(path: string, mode?: number, scope?: PathScope): Promise<void> {
    return this.fallback.makeDirectory(path, mode, scope);
  }

  unlink(path: string, scope?: PathScope): Promise<boolean> {
    return this.fallback.unlink(path, scope);
  }

  removeDirectory(path: string, scope?: PathScope): Promise<boolean> {
    return this.fallback.removeDirectory(path, scope);
  }

  listDirectory(path: string, scope?: PathScope): Promise<string[] | null> {
    return this.fallback.listDirectory ? this.fallback.listDirectory(path, scope) : Promise.resolve(null);
  }

  /** Test seam: holds the worker for `ms` as a call stuck in the kernel would. */
  stallWorker(ms: number): Promise<void> {
    return this.submit([Op.stall, ms], "(stall)", undefined).then(() => undefined);
  }

  // ---- where a call acts ----------------------------------------------------------------------

  /** The call on `path`: its trusted root, the directories below it, its name (NodeFileSystem's walk rule). */
  private located(op: number, path: string, scope: PathScope | undefined): (string | number)[] {
    if (!scope) return [op, dirname(path), "", basename(path)];
    const components = componentsBelow(scope.under, path);
    if (components.length === 0) throw unsafePath(path, `it is the run-log root ${scope.under} itself`);
    return [op, scope.under, components.slice(0, -1).join("/"), components[components.length - 1] as string];
  }

  // ---- batching -------------------------------------------------------------------------------

  private submit(call: Call, path: string, signal: AbortSignal | undefined, mustRun = false): Promise<Success> {
    if (this.closed) return Promise.reject(new FileSystemError("EOTHER", path, "the file-system worker was stopped"));
    if (!mustRun) {
      if (this.stuck !== null) return Promise.reject(this.stuckError(path));
      if (signal?.aborted) return Promise.reject(cancelled(path));
    }
    return new Promise<Success>((resolve, reject) => {
      const pending: PendingCall = {
        call,
        path,
        signal: mustRun ? undefined : signal,
        mustRun,
        settled: false,
        resolve: (result) => {
          if (pending.settled) return;
          pending.settled = true;
          this.forgetSignal(pending);
          resolve(result);
        },
        reject: (error) => {
          if (pending.settled) return;
          pending.settled = true;
          this.forgetSignal(pending);
          reject(error);
        },
      };
      this.watchSignal(pending);
      this.queue.push(pending);
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight !== null) return;
    this.flushScheduled = true;
    // After this turn's promise continuations, so every run's next call joins the same batch.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight !== null) return;
    const worker = this.worker;
    if (!this.online) return;
    const calls: PendingCall[] = [];
    let rest = 0;
    for (; rest < this.queue.length && calls.length < MAX_BATCH_CALLS; rest++) {
      const pending = this.queue[rest] as PendingCall;
      if (!pending.settled) calls.push(pending);
    }
    this.queue = rest === this.queue.length ? [] : this.queue.slice(rest);
    if (calls.length === 0) return;
    const id = this.nextBatchId++;
    const watchdog = setTimeout(() => this.onStuck(), this.bounds.callTimeoutMs);
    watchdog.unref();
    this.inFlight = { id, calls, watchdog, abandoned: false };
    this.sent += 1;
    worker.ref();
    const flat: (string | number | SharedArrayBuffer)[] = [];
    for (const pending of calls) for (const value of pending.call) flat.push(value);
    worker.postMessage({ id, calls: flat, count: calls.length } satisfies SyscallBatch & { count: number });
  }

  private onReply(reply: SyscallReply): void {
    const batch = this.inFlight;
    if (batch === null || batch.id !== reply.id) return;
    clearTimeout(batch.watchdog);
    this.inFlight = null;
    if (!this.watching) this.started?.unref();
    if (reply.abandoned) this.stuck = null;
    else this.deliverAll(batch.calls, reply);
    if (this.queue.length > 0) this.scheduleFlush();
  }

  /** Hands each call its result, in order: numbers by slot, bytes from the packed buffer or `large`. */
  private deliverAll(calls: readonly PendingCall[], reply: SyscallReply): void {
    const failures = new Map<number, Failure>();
    const list = reply.failures;
    for (let i = 0; i + 4 < list.length; i += 5) {
      failures.set(list[i] as number, {
        code: list[i + 1] as string,
        message: list[i + 2] as string,
        found: list[i + 3] as string,
        component: list[i + 4] as string,
      });
    }
    let packedAt = 0;
    let largeAt = 0;
    calls.forEach((pending, index) => {
      const failure = failures.get(index);
      if (failure !== undefined) return this.deliver(pending, null, failure);
      const at = index * RESULT_SLOTS;
      const first = reply.numbers[at + 1] ?? 0;
      let bytes: Uint8Array | null = null;
      const op = pending.call[0];
      if (op === Op.readSmall || (op === Op.read && (pending.call[2] as number) <= PACKED_READ_LIMIT)) {
        bytes = reply.packed.subarray(packedAt, packedAt + first);
        packedAt += first;
      } else if (op === Op.read) {
        bytes = (reply.large[largeAt++] ?? new Uint8Array(0)).subarray(0, first);
      }
      const result = {
        first,
        dev: reply.numbers[at + 2] ?? 0,
        ino: reply.numbers[at + 3] ?? 0,
        size: reply.numbers[at + 4] ?? 0,
        bytes,
      };
      this.deliver(pending, result, null);
    });
  }

  private deliver(pending: PendingCall, result: Success | null, failure: Failure | null): void {
    if (pending.settled) {
      // Its caller left: a file opened for it is closed, not leaked.
      if (result !== null && pending.call[0] === Op.open) {
        void this.submit([Op.close, result.first], pending.path, undefined, true).catch(() => undefined);
      }
      return;
    }
    if (result !== null) pending.resolve(result);
    else pending.reject(errorOf(failure as Failure, pending));
  }

  /** The batch outlived the watchdog: its calls fail, and new ones fail fast until the worker returns. */
  private onStuck(): void {
    const batch = this.inFlight;
    if (batch === null || batch.abandoned) return;
    batch.abandoned = true;
    Atomics.store(new Int32Array(this.state), ABANDONED_SLOT, batch.id);
    // A thread stuck in the kernel must not keep the process from exiting.
    this.started?.unref();
    this.stuck = { path: batch.calls[0]?.path ?? "(unknown)", since: Date.now() };
    const timedOut = (path: string) =>
      new FileSystemError("ETIMEDOUT", path, `did not finish within ${this.bounds.callTimeoutMs} ms`);
    for (const pending of batch.calls) pending.reject(timedOut(pending.path));
    for (const pending of this.queue) if (!pending.mustRun) pending.reject(this.stuckError(pending.path));
    // Nothing is checked while the worker is held: every quiet run polls, and meets the stuck call.
    this.watches.endAll();
  }

  /** A quiet watch's check outlived the bound (`true`; the watches have ended) or came back (`false`). */
  private onTickStuck(stuck: boolean): void {
    if (!stuck) {
      if (this.inFlight === null || !this.inFlight.abandoned) this.stuck = null;
      return;
    }
    this.started?.unref();
    this.stuck ??= { path: "a quiet run's check", since: Date.now() };
    for (const pending of this.queue) if (!pending.mustRun) pending.reject(this.stuckError(pending.path));
  }

  private failEverything(why: string): void {
    this.watches.endAll();
    const everyone = [...(this.inFlight?.calls ?? []), ...this.queue];
    if (this.inFlight !== null) clearTimeout(this.inFlight.watchdog);
    this.inFlight = null;
    this.queue = [];
    for (const pending of everyone) pending.reject(new FileSystemError("EOTHER", pending.path, why));
  }

  private stuckError(path: string): FileSystemError {
    const stuck = this.stuck;
    const where = stuck ? ` (${stuck.path})` : "";
    return new FileSystemError(
      "ETIMEDOUT",
      path,
      `was not attempted: an earlier call on the volume${where} has not finished after ${this.bounds.callTimeoutMs} ms`,
    );
  }

  // ---- cancellation ---------------------------------------------------------------------------

  private watchSignal(pending: PendingCall): void {
    const signal = pending.signal;
    if (signal === undefined) return;
    let waiting = this.bySignal.get(signal);
    if (waiting === undefined) {
      const calls = new Set<PendingCall>();
      waiting = calls;
      this.bySignal.set(signal, calls);
      signal.addEventListener(
        "abort",
        () => {
          this.bySignal.delete(signal);
          for (const call of [...calls]) call.reject(cancelled(call.path));
        },
        { once: true },
      );
    }
    waiting.add(pending);
  }

  private forgetSignal(pending: PendingCall): void {
    const signal = pending.signal;
    if (signal === undefined) return;
    // The set and its one listener live as long as the signal: a run makes calls all its life.
    this.bySignal.get(signal)?.delete(pending);
  }
}

function statusOf(result: Success): FileStatus {
  return { device: result.dev, inode: result.ino, size: result.size };
}

function cancelled(path: string): FileSystemError {
  return new FileSystemError("ECANCELED", path, `abandoned: the run was cancelled while waiting on ${path}`);
}

/**
 * The failure as the port names it. Built without a stack trace: these are expected answers (an
 * absent trailer on every quiet poll of every run), and a stack through a worker reply says nothing.
 */
function errorOf(failure: Failure, pending: PendingCall): FileSystemError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return describeFailure(failure, pending);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function describeFailure(failure: Failure, { path, call }: PendingCall): FileSystemError {
  if (failure.code === "ENOTREGULAR") return notRegular(path, failure.found || "not a regular file");
  if (failure.code === "EUNSAFEPATH") {
    return unsafePath(
      path,
      `${failure.found || "not a directory"} stands where the directory "${failure.component}" should be`,
    );
  }
  if (failure.code === "ETOOBIG")
    return new FileSystemError("EOTHER", path, `${path} is larger than ${String(call[4])} bytes`);
  if (failure.code === "ENOENT")
    return new FileSystemError("ENOENT", path, `ENOENT: no such file or directory, ${path}`);
  const code = KNOWN_CODES.has(failure.code as FileSystemErrorCode) ? (failure.code as FileSystemErrorCode) : "EOTHER";
  return new FileSystemError(code, path, failure.message);
}
