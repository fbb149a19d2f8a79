/**
 * A worker reply, unpacked into each call's result or failure, and a failure named as the port
 * names it (the same words NodeFileSystem uses for the same refusal).
 */
import { FileSystemError, type FileStatus } from "../ports/file-system-port.js";
import { notRegular, unsafePath } from "./node-file-system.js";
import { portCodeOf } from "./pod-file-rules.js";
import { Op, PACKED_READ_LIMIT, RESULT_SLOTS, type Call, type SyscallReply } from "./syscall-worker-protocol.js";

export interface CallResult {
  /** fd (open) or byte count (reads). */
  readonly first: number;
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  /** The bytes read (reads and small files). */
  readonly bytes: Uint8Array | null;
}

export interface CallFailure {
  readonly code: string;
  readonly message: string;
  readonly found: string;
  readonly component: string;
}

export function statusOf(result: CallResult): FileStatus {
  return { device: result.dev, inode: result.ino, size: result.size };
}

/** Each call's outcome, in order: numbers by slot, bytes from the packed buffer or `large`. */
export function unpackReply(
  calls: readonly { readonly call: Call }[],
  reply: SyscallReply,
  each: (index: number, result: CallResult | null, failure: CallFailure | null) => void,
): void {
  const failures = new Map<number, CallFailure>();
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
  for (let index = 0; index < calls.length; index++) {
    const failure = failures.get(index);
    if (failure !== undefined) {
      each(index, null, failure);
      continue;
    }
    const at = index * RESULT_SLOTS;
    const first = reply.numbers[at + 1] ?? 0;
    let bytes: Uint8Array | null = null;
    const call = (calls[index] as { readonly call: Call }).call;
    if (call[0] === Op.readSmall || (call[0] === Op.read && (call[2] as number) <= PACKED_READ_LIMIT)) {
      bytes = reply.packed.subarray(packedAt, packedAt + first);
      packedAt += first;
    } else if (call[0] === Op.read) {
      bytes = (reply.large[largeAt++] ?? new Uint8Array(0)).subarray(0, first);
    }
    const dev = reply.numbers[at + 2] ?? 0;
    const ino = reply.numbers[at + 3] ?? 0;
    each(index, { first, dev, ino, size: reply.numbers[at + 4] ?? 0, bytes }, null);
  }
}

/**
 * The failure as the port names it. Built without a stack trace: these are expected answers (an
 * absent trailer on every quiet poll of every run), and a stack through a worker reply says nothing.
 */
export function failureError(failure: CallFailure, path: string, call: Call): FileSystemError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return describeFailure(failure, path, call);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function describeFailure(failure: CallFailure, path: string, call: Call): FileSystemError {
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
  return new FileSystemError(portCodeOf(failure.code), path, failure.message);
}
