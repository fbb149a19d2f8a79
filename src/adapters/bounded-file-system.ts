/**
 * Bounds every file-system call so that no file a pod writes, and no hung shared volume, can hold
 * a run or the Paperclip process:
 *
 * - A watchdog: a call that has not settled within `callTimeoutMs` (queue wait included) fails
 *   with ETIMEDOUT, which the run reports as `k8s_fs_call_stuck`. Its directory is then marked
 *   stuck until the call really returns: later calls there fail at once instead of piling up.
 * - Cancellation: a caller's `scope.signal` abandons the wait at once (ECANCELED); the call itself
 *   runs on, and a file it opens after its caller left is closed.
 * - Thread-pool shares: Node runs fs calls on libuv's pool (UV_THREADPOOL_SIZE, default 4), shared
 *   with DNS, crypto, zlib and the host's own fs calls. At most ONE call per directory runs at a
 *   time (a run's files share its directory, so one run holds at most one thread), and at most
 *   `maxInFlight` in all, below the pool size, so even calls stuck in the kernel leave the host
 *   threads of its own. A stuck call keeps its share until it truly returns: the cap counts threads.
 */
import { dirname } from "node:path";
import {
  FileSystemError,
  type FileStatus,
  type FileSystemPort,
  type OpenFile,
  type PathScope,
} from "../ports/file-system-port.js";

export interface FileSystemBounds {
  /** How long a call may take, queue wait included, before it fails with ETIMEDOUT. */
  readonly callTimeoutMs: number;
  /** Calls running at once across all runs; keep it below libuv's pool size. */
  readonly maxInFlight: number;
}

/** libuv's pool size as Node will use it (read once, as libuv does, at the first pool call). */
export function libuvPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const configured = Number.parseInt(env.UV_THREADPOOL_SIZE ?? "", 10);
  return Number.isSafeInteger(configured) && configured > 0 ? Math.min(configured, 1024) : 4;
}

/** Half of libuv's pool (2 of the default 4): the other half stays free for the host whatever pods do. */
export function defaultFileSystemBounds(env: NodeJS.ProcessEnv = process.env): FileSystemBounds {
  return { callTimeoutMs: 10_000, maxInFlight: Math.max(1, Math.floor(libuvPoolSize(env) / 2)) };
}

interface Lane {
  readonly directory: string;
  running: boolean;
  /** A call here has outlived the bound and not yet returned. */
  stuck: boolean;
}

interface Task {
  readonly lane: Lane;
  readonly path: string;
  readonly run: () => Promise<unknown>;
  /** Closes must happen even when their caller stopped waiting: they stay queued whatever happens. */
  readonly mustRun: boolean;
  /** Hands the outcome to the caller if it still waits; returns false when it left. */
  deliver(outcome: { ok: true; value: unknown } | { ok: false; error: unknown }): boolean;
  /** Tells a still-waiting caller the call cannot happen. */
  refuse(error: FileSystemError): void;
}

export class BoundedFileSystem implements FileSystemPort {
  private readonly lanes = new Map<string, Lane>();
  private readonly waiting: Task[] = [];
  private running = 0;

  constructor(
    readonly inner: FileSystemPort,
    readonly bounds: FileSystemBounds = defaultFileSystemBounds(),
  ) {}

  /** Calls running underneath now (stuck ones included), for tests and benchmarks. */
  get inFlight(): number {
    return this.running;
  }

  allocateReadBuffer(bytes: number): Uint8Array {
    return this.inner.allocateReadBuffer?.(bytes) ?? new Uint8Array(bytes);
  }

  open(path: string, scope?: PathScope): Promise<OpenFile> {
    const opened = this.submit<OpenFile>(
      path,
      scope,
      () => this.inner.open(path, scope),
      false,
      (late) => {
        void late.close().catch(() => undefined);
      },
    );
    return opened.then((file) => ({
      read: (buffer, offset, length, position) =>
        this.submit(path, scope, () => file.read(buffer, offset, length, position)),
      status: () => this.submit(path, scope, () => file.status()),
      close: () => this.submit(path, scope, () => file.close(), true),
    }));
  }

  status(path: string, scope?: PathScope): Promise<FileStatus | null> {
    return this.submit(path, scope, () => this.inner.status(path, scope));
  }

  readSmallFile(path: string, maxBytes: number, scope?: PathScope): Promise<Uint8Array> {
    return this.submit(path, scope, () => this.inner.readSmallFile(path, maxBytes, scope));
  }

  writeFileAtomic(path: string, data: Uint8Array | string, mode?: number, scope?: PathScope): Promise<void> {
    return this.submit(path, scope, () => this.inner.writeFileAtomic(path, data, mode, scope));
  }

  makeDirectory(path: string, mode?: number, scope?: PathScope): Promise<void> {
    return this.submit(path, scope, () => this.inner.makeDirectory(path, mode, scope));
  }

  unlink(path: string, scope?: PathScope): Promise<boolean> {
    return this.submit(path, scope, () => this.inner.unlink(path, scope));
  }

  listDirectory(path: string, scope?: PathScope): Promise<string[] | null> {
    const inner = this.inner.listDirectory?.bind(this.inner);
    if (!inner) return Promise.resolve(null);
    return this.submit(path, scope, () => inner(path, scope));
  }

  removeDirectory(path: string, scope?: PathScope): Promise<boolean> {
    return this.submit(path, scope, () => this.inner.removeDirectory(path, scope));
  }

  // ---- scheduling -------------------------------------------------------------------------

  private submit<T>(
    path: string,
    scope: PathScope | undefined,
    run: () => Promise<T>,
    mustRun = false,
    disposeLate?: (value: T) => void,
  ): Promise<T> {
    const lane = this.laneOf(path);
    const signal = scope?.signal;
    if (lane.stuck && !mustRun) return Promise.reject(this.stuckError(path, lane));
    if (signal?.aborted && !mustRun) return Promise.reject(cancelled(path));
    return new Promise<T>((resolve, reject) => {
      let waiting = true;
      const leave = (): boolean => {
        if (!waiting) return false;
        waiting = false;
        clearTimeout(watchdog);
        signal?.removeEventListener("abort", onAbort);
        return true;
      };
      const giveUp = (error: FileSystemError) => {
        if (!leave()) return;
        this.dequeue(task);
        reject(error);
      };
      const onAbort = () => giveUp(cancelled(path));
      const watchdog = setTimeout(
        () => giveUp(new FileSystemError("ETIMEDOUT", path, `did not finish within ${this.bounds.callTimeoutMs} ms`)),
        this.bounds.callTimeoutMs,
      );
      watchdog.unref?.();
      signal?.addEventListener("abort", onAbort, { once: true });
      const task: Task = {
        lane,
        path,
        run,
        mustRun,
        deliver: (outcome) => {
          if (!leave()) {
            if (outcome.ok) disposeLate?.(outcome.value as T);
            return false;
          }
          if (outcome.ok) resolve(outcome.value as T);
          else reject(outcome.error);
          return true;
        },
        refuse: (error) => giveUp(error),
      };
      this.waiting.push(task);
      this.pump();
    });
  }

  /** Starts queued calls, oldest first, while shares are free and their directory is idle. */
  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.bounds.maxInFlight;) {
      const task = this.waiting[i] as Task;
      if (task.lane.running || (task.lane.stuck && !task.mustRun)) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(task);
    }
  }

  private start(task: Task): void {
    const { lane } = task;
    lane.running = true;
    this.running++;
    const stuckTimer = setTimeout(() => this.markStuck(lane), this.bounds.callTimeoutMs);
    stuckTimer.unref?.();
    const settle = (outcome: { ok: true; value: unknown } | { ok: false; error: unknown }) => {
      clearTimeout(stuckTimer);
      lane.running = false;
      lane.stuck = false;
      this.running--;
      task.deliver(outcome);
      this.forgetIfIdle(lane);
      this.pump();
    };
    let call: Promise<unknown>;
    try {
      call = task.run();
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, error }),
    );
  }

  /** The running call outlived the bound: everyone queued on its directory (but closes) fails now. */
  private markStuck(lane: Lane): void {
    lane.stuck = true;
    for (const task of this.waiting.filter((t) => t.lane === lane && !t.mustRun)) {
      task.refuse(this.stuckError(task.path, lane));
    }
  }

  private dequeue(task: Task): void {
    if (task.mustRun) return;
    const index = this.waiting.indexOf(task);
    if (index >= 0) this.waiting.splice(index, 1);
    this.forgetIfIdle(task.lane);
  }

  private laneOf(path: string): Lane {
    const directory = dirname(path);
    let lane = this.lanes.get(directory);
    if (!lane) {
      lane = { directory, running: false, stuck: false };
      this.lanes.set(directory, lane);
    }
    return lane;
  }

  private forgetIfIdle(lane: Lane): void {
    if (lane.running || lane.stuck || this.waiting.some((t) => t.lane === lane)) return;
    this.lanes.delete(lane.directory);
  }

  private stuckError(path: string, lane: Lane): FileSystemError {
    return new FileSystemError(
      "ETIMEDOUT",
      path,
      `was not attempted: an earlier call in ${lane.directory} has not finished after ${this.bounds.callTimeoutMs} ms`,
    );
  }
}

function cancelled(path: string): FileSystemError {
  return new FileSystemError("ECANCELED", path, `abandoned: the run was cancelled while waiting on ${path}`);
}
