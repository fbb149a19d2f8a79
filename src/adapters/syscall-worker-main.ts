/**
 * The body of the file-system worker thread (see syscall-worker-thread.ts). It is passed to the
 * Worker as source text (`String(syscallWorkerMain)`), so it must be self-contained: no imports,
 * no closures over this module, only Node's built-ins through `process.getBuiltinModule`, and the
 * other bodies it is given (also source text).
 *
 * It runs batches of pod-file calls as plain synchronous syscalls, one batch per message, in the
 * order they came: open by verified directory (syscall-worker-safe-open.ts), read at an offset,
 * fstat, close, and small whole-file reads. The main thread sends the next batch while this one
 * runs, so the worker goes from one to the next without waiting for it. The wire format is
 * syscall-worker-protocol.ts.
 */
import type { Stats } from "node:fs";
import type { describeFileType } from "./node-file-errors.js";
import type { podFileOpenFlags } from "./pod-file-rules.js";
import type { SyscallBatch } from "./syscall-worker-protocol.js";
import type { safeOpensWorkerMain } from "./syscall-worker-safe-open.js";
import type { quietWatchWorkerMain, WatchStart, WatchStop } from "./syscall-worker-watch-main.js";

export function syscallWorkerMain(
  installSafeOpens: typeof safeOpensWorkerMain,
  installQuietWatches: typeof quietWatchWorkerMain,
  describe: typeof describeFileType,
  openFlags: typeof podFileOpenFlags,
): void {
  // Not `require`: bundlers rewrite it, and this body runs from its source text.
  const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
  const fs = process.getBuiltinModule("node:fs");
  // Repeated from the protocol module (this body sees no module scope): Op codes, slots, limits.
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
  const scratch = Buffer.allocUnsafeSlow(PACKED_LIMIT);
  const opens = installSafeOpens(fs, describe, openFlags);
  const { openRegular, forgetIdleDirectories, errnoOf } = opens;

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

  type Calls = readonly (string | number | SharedArrayBuffer)[];

  /** Runs the call starting at `calls[at]`; returns where the next one starts. */
  function run(calls: Calls, at: number, index: number, now: number, reply: Reply): number {
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
            if (filled > maxBytes) throw opens.refusal("ETOOBIG", `larger than ${maxBytes} bytes`, "");
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
  function skip(calls: Calls, at: number): number {
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

  function closeQuietly(fd: number): void {
    try {
      fs.closeSync(fd);
    } catch {
      // Gone already.
    }
  }

  const abandoned = (id: number) => Atomics.load(state, ABANDONED) >= id;

  /** A batch given up on before it started: only its closes run (a descriptor is never leaked). */
  function runClosesOnly(batch: SyscallBatch): void {
    for (let at = 0; at < batch.calls.length; at = skip(batch.calls, at)) {
      if (batch.calls[at] === CLOSE) closeQuietly(batch.calls[at + 1] as number);
    }
    parentPort?.postMessage({ id: batch.id, abandoned: true });
  }

  function runBatch(batch: SyscallBatch): void {
    if (abandoned(batch.id)) return runClosesOnly(batch);
    Atomics.store(state, RUNNING, batch.id);
    const now = Date.now();
    const reply = new Reply(batch.count);
    const calls = batch.calls;
    for (let at = 0, index = 0; at < calls.length; index++) {
      try {
        at = run(calls, at, index, now, reply);
      } catch (error) {
        const refusal = opens.isRefusal(error) ? error : null;
        const code = refusal?.code ?? errnoOf(error);
        // ENOENT (an absent trailer, every quiet poll) needs no words: the main thread names the path.
        const message = code === "ENOENT" ? "" : ((error as Error | null)?.message ?? String(error));
        reply.failures.push(index, code, message, refusal?.found ?? "", refusal?.component ?? "");
        at = skip(calls, at);
      }
    }
    forgetIdleDirectories(now);
    if (abandoned(batch.id)) {
      // Nobody waits for these any more: close what was opened for them.
      for (const fd of reply.opened) closeQuietly(fd);
      parentPort?.postMessage({ id: batch.id, abandoned: true });
      return;
    }
    const packed = new Uint8Array(reply.packed.buffer, reply.packed.byteOffset, reply.used);
    const transfers: ArrayBuffer[] = [
      reply.numbers.buffer as ArrayBuffer,
      ...reply.large.map((b) => b.buffer as ArrayBuffer),
    ];
    if (reply.packed.byteOffset === 0) transfers.push(reply.packed.buffer as ArrayBuffer);
    parentPort?.postMessage(
      { id: batch.id, numbers: reply.numbers, packed, large: reply.large, failures: reply.failures, abandoned: false },
      transfers,
    );
  }

  const quiet = installQuietWatches({
    fs,
    state,
    post: (report) => parentPort?.postMessage(report),
    directoryOf: opens.directoryOf,
    openRegular,
    forgetIdleDirectories,
  });

  parentPort?.on("message", (received: SyscallBatch | WatchStart | WatchStop) => {
    if (!("kind" in received)) return runBatch(received);
    if (received.kind === "watch") quiet.start(received);
    else quiet.stop(received.id);
  });
}
