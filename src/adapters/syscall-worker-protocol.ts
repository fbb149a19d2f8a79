/**
 * The wire format between the syscall worker (syscall-worker-main.ts) and the main thread
 * (syscall-worker-batches.ts). It is flat, because structured-cloning thousands of small objects
 * per batch cost more than the syscalls: calls are one array of primitives, results one
 * Float64Array (RESULT_SLOTS numbers per call), the bytes of all small reads one packed buffer,
 * and failures a short list.
 */

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

/** A call's arguments, flat, its op code first (see `Op`). */
export type Call = readonly (string | number | SharedArrayBuffer)[];

/** Numbers per call in `SyscallReply.numbers`: ok (1/0), fd or count, dev, ino, size. */
export const RESULT_SLOTS = 5;
/** A read up to this size is packed with the batch's other small reads; a larger one travels alone. */
export const PACKED_READ_LIMIT = 64 * 1024;

export interface SyscallBatch {
  readonly id: number;
  readonly calls: readonly (string | number | SharedArrayBuffer)[];
  readonly count: number;
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

/**
 * Shared state, Int32 slots: the batch running now, and the newest batch the main thread gave up
 * on (every batch up to it is abandoned: the ones behind a stuck batch share its fate).
 */
export const RUNNING_SLOT = 0;
export const ABANDONED_SLOT = 1;

/** Bytes a read call asks for (0 for any other call): what a batch's read budget counts. */
export function readBytesOf(call: Call): number {
  switch (call[0]) {
    case Op.read:
    case Op.readShared:
      return call[2] as number;
    case Op.readSmall:
      return call[4] as number;
    default:
      return 0;
  }
}
