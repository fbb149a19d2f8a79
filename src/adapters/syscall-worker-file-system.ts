/**
 * The tail's file calls (open, read, fstat, close, small whole-file reads) as plain synchronous
 * syscalls on ONE worker thread, batched (syscall-worker-batches.ts): thousands of runs polling
 * quiet files then cost a few syscalls each instead of a libuv thread-pool round trip and a
 * promise chain per call (measured ~39 µs of CPU per poll as syscalls against ~283 µs through
 * `fs/promises`), and the host's libuv pool is not used at all. Every other call goes to
 * `fallback` (the bounded NodeFileSystem).
 *
 * The same protections as NodeFileSystem + BoundedFileSystem:
 * - Opens walk the directories below the scope's root by descriptor, never through a symlink, and
 *   accept only a regular file with one link (syscall-worker-safe-open.ts).
 * - A watchdog bounds every batch, and a stuck worker makes new calls fail at once; a caller's
 *   `scope.signal` abandons its waiting calls at once (syscall-worker-batches.ts).
 * - One worker runs one call at a time: never two calls on a run's directory at once.
 * A quiet run's slow polls can run on the worker entirely (`watchQuiet`, see
 * syscall-worker-quiet-watches.ts): the main thread hears only of files that changed.
 */
import { basename, dirname } from "node:path";
import type {
  FileStatus,
  FileSystemPort,
  OpenFile,
  PathScope,
  QuietWatch,
  QuietWatchRequest,
} from "../ports/file-system-port.js";
import type { FileSystemBounds } from "./bounded-file-system.js";
import { componentsBelow, HAS_PROC_FD, unsafePath } from "./node-file-system.js";
import { SyscallBatches } from "./syscall-worker-batches.js";
import { Op, PACKED_READ_LIMIT } from "./syscall-worker-protocol.js";
import { QuietWatches } from "./syscall-worker-quiet-watches.js";
import { statusOf } from "./syscall-worker-replies.js";
import type { WatchStart } from "./syscall-worker-watch-main.js";

const EMPTY: Uint8Array = Buffer.alloc(0);

/** Paths whose place is remembered: three per run for thousands of runs. */
const MAX_REMEMBERED_PLACES = 16_384;

/** Where a call acts: its op code, trusted root, the directories below it ("a/b"), its name. */
type Located = [number, string, string, string];

export class SyscallWorkerFileSystem implements FileSystemPort {
  /** Whether this platform can walk directories by descriptor (`/proc/self/fd`), which the worker needs. */
  static readonly supported = HAS_PROC_FD;

  private readonly batches: SyscallBatches;
  private readonly watches: QuietWatches;
  /** Where paths act, checked (see `located`). */
  private readonly places = new Map<string, readonly [below: string, name: string]>();

  constructor(
    readonly fallback: FileSystemPort,
    readonly bounds: FileSystemBounds,
  ) {
    this.batches = new SyscallBatches(bounds.callTimeoutMs, {
      onWatchReport: (report) => this.watches.onReport(report),
      endWatches: () => this.watches.endAll(),
    });
    const batches = this.batches;
    this.watches = new QuietWatches(
      new Int32Array(batches.state),
      {
        post: (message) => batches.post(message),
        holdProcess: (hold) => batches.holdProcess(hold),
        markStuck: (stuck) => batches.markTickStuck(stuck),
      },
      bounds.callTimeoutMs,
    );
  }

  /** Batches sent to the worker so far, for tests and benchmarks. */
  get batchesSent(): number {
    return this.batches.batchesSent;
  }

  /** Stops the worker (calls still waiting fail). */
  close(): Promise<void> {
    return this.batches.close();
  }

  /**
   * A large buffer is shared memory, so the worker reads straight into it: no copy between
   * threads. A small one (its reads travel packed with the batch's others and are copied in) is
   * plain memory, far cheaper to allocate and collect.
   */
  allocateReadBuffer(bytes: number): Uint8Array {
    return bytes > PACKED_READ_LIMIT ? Buffer.from(new SharedArrayBuffer(bytes)) : Buffer.allocUnsafeSlow(bytes);
  }

  async open(path: string, scope?: PathScope): Promise<OpenFile> {
    const batches = this.batches;
    const signal = scope?.signal;
    const opened = await batches.submit(this.located(Op.open, path, scope), path, signal);
    const fd = opened.first;
    const generation = batches.generation;
    // The open's own fstat answers the first status() (the follower asks at once): one syscall fewer.
    let firstStatus: FileStatus | null = statusOf(opened);
    let closed = false;
    // A read's bytes come back in the batch's reply (its own memory): handed on as a Buffer view, not
    // a copy (its native indexOf frames lines fast).
    const readBytes = async (length: number, position: number): Promise<Uint8Array> => {
      const bytes = (await batches.submit([Op.read, fd, length, position], path, signal)).bytes;
      return bytes === null ? EMPTY : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    };
    return {
      read: async (buffer, offset, length, position) => {
        if (length > PACKED_READ_LIMIT && buffer.buffer instanceof SharedArrayBuffer) {
          const call = [Op.readShared, fd, length, position, buffer.buffer, buffer.byteOffset + offset];
          return (await batches.submit(call, path, signal)).first;
        }
        const bytes = await readBytes(length, position);
        buffer.set(bytes, offset);
        return bytes.length;
      },
      // Small reads are packed in the reply; a larger one would be a fresh transfer, which the
      // caller's shared buffer (read above) avoids.
      handsBackUpTo: PACKED_READ_LIMIT,
      readBytes,
      status: async () => {
        const first = firstStatus;
        firstStatus = null;
        if (first !== null) return first;
        return statusOf(await batches.submit([Op.fstat, fd], path, signal));
      },
      close: async () => {
        if (closed) return;
        closed = true;
        // A thread that ended closed its descriptors; the number may be another file's by now.
        if (generation !== batches.generation || batches.isClosed) return;
        await batches.submit([Op.close, fd], path, undefined, true);
      },
    };
  }

  watchQuiet(request: QuietWatchRequest): QuietWatch {
    // A stuck worker checks nothing: the watch ends at once and the follower's poll meets the stuck call.
    const usable = !this.batches.isStuck && !this.batches.isClosed;
    return this.watches.watch(usable ? this.watchStart(request) : null);
  }

  /** The request as the worker reads it; null when a path cannot be located (the follower's poll names why). */
  private watchStart(request: QuietWatchRequest): Omit<WatchStart, "kind" | "id"> | null {
    const files: (string | number)[] = [];
    const absent: string[] = [];
    try {
      for (const file of request.files) {
        const [, , below, name] = this.located(Op.open, file.path, request.scope);
        const { device = 0, inode = 0 } = file.identity ?? {};
        files.push(below, name, file.identity ? 1 : 0, device, inode, file.offset, file.lastByte);
      }
      for (const path of request.absent) {
        const [, , below, name] = this.located(Op.open, path, request.scope);
        absent.push(below, name);
      }
    } catch {
      return null;
    }
    return { intervalMs: request.intervalMs, under: request.scope.under, files, absent };
  }

  async readSmallFile(path: string, maxBytes: number, scope?: PathScope): Promise<Uint8Array> {
    const call = [...this.located(Op.readSmall, path, scope), maxBytes];
    const result = await this.batches.submit(call, path, scope?.signal);
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
    return this.batches.submit([Op.stall, ms], "(stall)", undefined).then(() => undefined);
  }

  /** The call on `path`: its trusted root, the directories below it, its name (NodeFileSystem's walk rule). */
  private located(op: number, path: string, scope: PathScope | undefined): Located {
    if (!scope) return [op, dirname(path), "", basename(path)];
    // A run re-opens the same few paths all its life: each is checked once, then remembered.
    const key = `${scope.under}\0${path}`;
    let place = this.places.get(key);
    if (place === undefined) {
      const components = componentsBelow(scope.under, path);
      if (components.length === 0) throw unsafePath(path, `it is the run-log root ${scope.under} itself`);
      place = [components.slice(0, -1).join("/"), components[components.length - 1] as string];
      if (this.places.size >= MAX_REMEMBERED_PLACES) this.places.clear();
      this.places.set(key, place);
    }
    return [op, scope.under, place[0], place[1]];
  }
}
