/**
 * The body of the file-system worker thread (see syscall-worker-file-system.ts). It is passed to
 * the Worker as source text (`String(syscallWorkerMain)`), so it must be self-contained: no
 * imports, no closures over this module, only Node's built-ins through `process.getBuiltinModule`.
 *
 * It runs batches of pod-file calls as plain synchronous syscalls, one batch per message, in order:
 * open by verified directory (O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, then fstat: a regular file with
 * one link), read at an offset, fstat, close, and small whole-file reads. A directory below the
 * run-log root is walked once, component by component through `/proc/self/fd/N/name` with
 * O_NOFOLLOW | O_DIRECTORY (a symlink anywhere is refused), and its descriptor is kept while it is
 * used, so a quiet file's re-open by name is one `open` instead of a walk from the root.
 *
 * The wire format is flat, because structured-cloning thousands of small objects per batch cost
 * more than the syscalls: calls are one array of primitives, results one Float64Array (RESULT_SLOTS
 * numbers per call), the bytes of all small reads one packed buffer, and failures a short list.
 */

import type { Stats } from "node:fs";
import type { QuietWatchTools, QuietWatchWorker, WatchStart, WatchStop } from "./syscall-worker-watch-main.js";

/** Call codes and their arguments, flat in `SyscallBatch.calls`. */
export const Op = {
  /** under, directories ("a/b", "" for none), name → fd, dev, ino, size */
  open: 1,
  /** under, directories, name, maxBytes → count (bytes packed) */
  readSmall: 2,
  /** fd, length, position → count (bytes packed, or the next of `large`) */
  read: 3,
  /** fd → dev, ino, size */
  fstat: 4,
  /** fd */
  close: 5,
  /** ms: test seam, blocks the worker as a call stuck in the kernel would */
  stall: 6,
  /** fd, length, position, memory (SharedArrayBuffer), offset → count: read straight into the caller's buffer */
  readShared: 7,
} as const;

/** Numbers per call in `SyscallReply.numbers`: ok (1/0), fd or count, dev, ino, size. */
export const RESULT_SLOTS = 5;
/** A read up to this size is packed with the batch's other small reads; a larger one travels alone. */
export const PACKED_READ_LIMIT = 64 * 1024;

export interface SyscallBatch {
  readonly id: number;
  readonly calls: readonly (string | number | SharedArrayBuffer)[];
}

export interface SyscallReply {
  readonly id: number;
  readonly numbers: Float64Array;
  /** The bytes of every small read and small file, in call order. */
  readonly packed: Uint8Array;
  /** Reads over PACKED_READ_LIMIT, in call order. */
  readonly large: readonly Uint8Array[];
  /** Per failed call: index, errno name (or ENOTREGULAR / EUNSAFEPATH / ETOOBIG), message, found, component. */
  readonly failures: readonly (string | number)[];
  /** The main thread gave up on this batch (it outlived the watchdog): results dropped, opened files closed. */
  readonly abandoned: boolean;
}

/** Shared state, Int32 slots: the batch running now, and the batch the main thread gave up on. */
export const RUNNING_SLOT = 0;
export const ABANDONED_SLOT = 1;

/** `installQuietWatches` is quietWatchWorkerMain, passed as source text beside this body. */
export function syscallWorkerMain(installQuietWatches: (tools: QuietWatchTools) => QuietWatchWorker): void {
  // Not `require`: bundlers rewrite it, and this body runs from its source text.
  const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
  const fs = process.getBuiltinModule("node:fs");
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = fs.constants;
  const FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  const DIRECTORY_FLAGS = FILE_FLAGS | O_DIRECTORY;
  const ROOT_FLAGS = O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_NOCTTY;
  /** A verified directory's descriptor is let go after this long unused. */
  const DIRECTORY_IDLE_MS = 5_000;
  // Repeated from the module (this body sees no module scope): Op codes, RESULT_SLOTS, PACKED_READ_LIMIT, slots.
  const OPEN = 1;
  const READ_SMALL = 2;
  const READ = 3;
  const FSTAT = 4;
  const CLOSE = 5;
  const STALL = 6;
  const READ_SHARED = 7;
  const SLOTS = 5;
  const PACKED_LIMIT = 64 * 1024;
  const RUNNING = 0;
  const ABANDONED = 1;

  const state = new Int32Array((workerData as { state: SharedArrayBuffer }).state);
  const directories = new Map<string, { fd: number; usedAt: number }>();
  const scratch = Buffer.allocUnsafeSlow(PACKED_LIMIT);

  class Refusal extends Error {
    constructor(
      readonly code: string,
      message: string,
      readonly found: string,
      readonly component = "",
    ) {
      super(message);
    }
  }

  const errnoOf = (error: unknown) => (error as { code?: string } | null)?.code ?? "EOTHER";

  function describe(stats: Stats): string {
    if (stats.isSymbolicLink()) return "a symlink";
    if (stats.isFIFO()) return "a FIFO";
    if (stats.isSocket()) return "a socket";
    if (stats.isDirectory()) return "a directory";
    if (stats.isCharacterDevice()) return "a character device";
    if (stats.isBlockDevice()) return "a block device";
    if (stats.isFile() && stats.nlink !== 1) return `a hard link (${stats.nlink} links)`;
    return stats.isFile() ? "a regular file" : "an unknown file type";
  }

  function lstatWords(name: string, otherwise: string): string {
    try {
      return describe(fs.lstatSync(name));
    } catch {
      return otherwise;
    }
  }

  /** The verified directory `under/below`, walked once and kept while used. */
  function directoryOf(under: string, below: string, now: number): number {
    const key = `${under}\0${below}`;
    const held = directories.get(key);
    if (held !== undefined) {
      held.usedAt = now;
      return held.fd;
    }
    let current = fs.openSync(under, ROOT_FLAGS);
    try {
      for (const component of below === "" ? [] : below.split("/")) {
        const name = `/proc/self/fd/${current}/${component}`;
        let next: number;
        try {
          next = fs.openSync(name, DIRECTORY_FLAGS);
        } catch (error) {
          if (errnoOf(error) === "ELOOP" || errnoOf(error) === "ENOTDIR") {
            throw new Refusal("EUNSAFEPATH", "not a real directory", lstatWords(name, "not a directory"), component);
          }
          throw error;
        }
        fs.closeSync(current);
        current = next;
      }
    } catch (error) {
      fs.closeSync(current);
      throw error;
    }
    directories.set(key, { fd: current, usedAt: now });
    return current;
  }

  function forgetIdleDirectories(now: number): void {
    for (const [key, held] of directories) {
      if (now - held.usedAt < DIRECTORY_IDLE_MS) continue;
      directories.delete(key);
      try {
        fs.closeSync(held.fd);
      } catch {
        // Already unusable; nothing holds it any more.
      }
    }
  }

  /** Opens a regular file with one link without following a symlink or blocking; returns it with its fstat. */
  function openRegular(under: string, below: string, base: string, now: number) {
    const name = `/proc/self/fd/${directoryOf(under, below, now)}/${base}`;
    let fd: number;
    try {
      fd = fs.openSync(name, FILE_FLAGS);
    } catch (error) {
      // ELOOP: a symlink (O_NOFOLLOW); ENXIO: a socket; EISDIR/ENODEV from odd types.
      if (["ELOOP", "ENXIO", "EISDIR", "ENODEV"].includes(errnoOf(error))) {
        throw new Refusal("ENOTREGULAR", "not a regular file", lstatWords(name, "a file that cannot be opened"));
      }
      throw error;
    }
    let stats: Stats;
    try {
      stats = fs.fstatSync(fd);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    if (!stats.isFile() || stats.nlink !== 1) {
      fs.closeSync(fd);
      throw new Refusal("ENOTREGULAR", "not a regular file", describe(stats));
    }
    return { fd, stats };
  }

  /** One batch's output, filled call by call. */
  class Reply {
    readonly numbers: Float64Array;
    packed = Buffer.allocUnsafeSlow(4096);
    used = 0;
    readonly large: Uint8Array[] = [];
    readonly failures: (string | number)[] = [];
    readonly opened: number[] = [];

    constructor(calls: number) {
      this.numbers = new Float64Array(calls * SLOTS);
    }

    pack(bytes: Uint8Array): void {
      if (this.used + bytes.length > this.packed.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(this.packed.length * 2, this.used + bytes.length));
        this.packed.copy(grown, 0, 0, this.used);
        this.packed = grown;
      }
      this.packed.set(bytes, this.used);
      this.used += bytes.length;
    }

    ok(index: number, first: number, stats?: Stats): void {
      const at = index * SLOTS;
      this.numbers[at] = 1;
      this.numbers[at + 1] = first;
      if (stats) {
        this.numbers[at + 2] = stats.dev;
        this.numbers[at + 3] = stats.ino;
        this.numbers[at + 4] = stats.size;
      }
    }
  }

  /** Runs the call starting at `calls[at]`; returns where the next one starts. */
  function run(
    calls: readonly (string | number | SharedArrayBuffer)[],
    at: number,
    index: number,
    now: number,
    reply: Reply,
  ): number {
    const op = calls[at] as number;
    switch (op) {
      case OPEN: {
        const { fd, stats } = openRegular(
          calls[at + 1] as string,
          calls[at + 2] as string,
          calls[at + 3] as string,
          now,
        );
        reply.opened.push(fd);
        reply.ok(index, fd, stats);
        return at + 4;
      }
      case READ_SMALL: {
        const maxBytes = calls[at + 4] as number;
        const { fd } = openRegular(calls[at + 1] as string, calls[at + 2] as string, calls[at + 3] as string, now);
        try {
          const buffer = Buffer.allocUnsafeSlow(maxBytes + 1);
          let filled = 0;
          for (;;) {
            const count = fs.readSync(fd, buffer, filled, buffer.length - filled, filled);
            if (count === 0) break;
            filled += count;
            if (filled > maxBytes) throw new Refusal("ETOOBIG", `larger than ${maxBytes} bytes`, "");
          }
          reply.pack(buffer.subarray(0, filled));
          reply.ok(index, filled);
        } finally {
          fs.closeSync(fd);
        }
        return at + 5;
      }
      case READ: {
        const fd = calls[at + 1] as number;
        const length = calls[at + 2] as number;
        const position = calls[at + 3] as number;
        if (length <= PACKED_LIMIT) {
          const count = fs.readSync(fd, scratch, 0, length, position);
          reply.pack(scratch.subarray(0, count));
          reply.ok(index, count);
        } else {
          // A large read goes into its own memory, handed over without a copy.
          const own = new Uint8Array(length);
          const count = fs.readSync(fd, own, 0, length, position);
          reply.large.push(own);
          reply.ok(index, count);
        }
        return at + 4;
      }
      case READ_SHARED: {
        const memory = calls[at + 4] as SharedArrayBuffer;
        const length = calls[at + 2] as number;
        const into = new Uint8Array(memory, calls[at + 5] as number, length);
        reply.ok(index, fs.readSync(calls[at + 1] as number, into, 0, length, calls[at + 3] as number));
        return at + 6;
      }
      case FSTAT:
        reply.ok(index, 0, fs.fstatSync(calls[at + 1] as number));
        return at + 2;
      case CLOSE:
        fs.closeSync(calls[at + 1] as number);
        reply.ok(index, 0);
        return at + 2;
      case STALL:
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, calls[at + 1] as number);
        reply.ok(index, 0);
        return at + 2;
      default:
        throw new Error(`unknown call ${op}`);
    }
  }

  /** Where the call after the one at `at` starts, whatever happened to it. */
  function skip(calls: readonly (string | number | SharedArrayBuffer)[], at: number): number {
    switch (calls[at]) {
      case OPEN:
      case READ:
        return at + 4;
      case READ_SMALL:
        return at + 5;
      case READ_SHARED:
        return at + 6;
      default:
        return at + 2;
    }
  }

  const quiet = installQuietWatches({
    fs,
    state,
    post: (report) => parentPort?.postMessage(report),
    directoryOf,
    openRegular,
    forgetIdleDirectories,
  });

  parentPort?.on("message", (received: (SyscallBatch & { count: number }) | WatchStart | WatchStop) => {
    if ("kind" in received) {
      if (received.kind === "watch") quiet.start(received);
      else quiet.stop(received.id);
      return;
    }
    const batch = received;
    Atomics.store(state, RUNNING, batch.id);
    const now = Date.now();
    const reply = new Reply(batch.count);
    const calls = batch.calls;
    for (let at = 0, index = 0; at < calls.length; index++) {
      try {
        at = run(calls, at, index, now, reply);
      } catch (error) {
        const refusal = error instanceof Refusal ? error : null;
        const code = refusal?.code ?? errnoOf(error);
        // ENOENT (an absent trailer, every quiet poll) needs no words: the main thread names the path.
        const message = code === "ENOENT" ? "" : ((error as Error | null)?.message ?? String(error));
        reply.failures.push(index, code, message, refusal?.found ?? "", refusal?.component ?? "");
        at = skip(calls, at);
      }
    }
    forgetIdleDirectories(now);
    if (Atomics.load(state, ABANDONED) === batch.id) {
      // Nobody waits for these any more: close what was opened for them.
      for (const fd of reply.opened) {
        try {
          fs.closeSync(fd);
        } catch {
          // Gone already.
        }
      }
      parentPort.postMessage({ id: batch.id, abandoned: true });
      return;
    }
    const packed = new Uint8Array(reply.packed.buffer, reply.packed.byteOffset, reply.used);
    const transfers: ArrayBuffer[] = [
      reply.numbers.buffer as ArrayBuffer,
      ...reply.large.map((b) => b.buffer as ArrayBuffer),
    ];
    if (reply.packed.byteOffset === 0) transfers.push(reply.packed.buffer as ArrayBuffer);
    parentPort.postMessage(
      { id: batch.id, numbers: reply.numbers, packed, large: reply.large, failures: reply.failures, abandoned: false },
      transfers,
    );
  });
}
