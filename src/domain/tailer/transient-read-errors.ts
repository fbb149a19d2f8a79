/**
 * Which read errors the tailer retries rather than ending a healthy run on: a shared volume refuses
 * a read for a moment — ESTALE and EIO on NFS, ENOENT while a file it had opened is re-looked-up,
 * EACCES while a permission or identity change (or an NFS attribute cache) is in flight. They are
 * retried within the tail's bounded backoff on the ClockPort (`readRetryLimit` consecutive failed
 * polls, 8 by default, pauses doubling from `fastPollMs` to `maxRetryBackoffMs`: 250 ms … 4 s, about
 * 20 s in all, cut short when the drain window ends), then reported as `k8s_pod_log_read_failed`.
 */
import { FileSystemError } from "../../ports/file-system-port.js";

const TRANSIENT_READ_CODES: ReadonlySet<string> = new Set(["ESTALE", "EIO", "ENOENT", "EACCES"]);

export function isTransientReadError(error: unknown): error is FileSystemError {
  return error instanceof FileSystemError && TRANSIENT_READ_CODES.has(error.code);
}
