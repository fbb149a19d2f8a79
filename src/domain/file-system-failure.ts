/**
 * The run failures a file-system refusal or watchdog becomes, in one place, so the tailer, the
 * trailer reader and the prompt writer all name the same attack the same way.
 */
import { FileSystemError } from "../ports/file-system-port.js";
import { runFailure, type RunFailure } from "./errors.js";

/** The failure that must end the run for `error`, or null when the caller handles it as usual. */
export function fileSystemRefusal(error: unknown, operation: string): RunFailure | null {
  if (!(error instanceof FileSystemError)) return null;
  const found = error.found ?? error.message;
  switch (error.code) {
    case "ENOTREGULAR":
      return runFailure("k8s_pod_log_not_regular", { path: error.path, found });
    case "EUNSAFEPATH":
      return runFailure("k8s_run_path_unsafe", { path: error.path, operation, found });
    case "ETIMEDOUT":
      return runFailure("k8s_fs_call_stuck", { path: error.path, operation, detail: error.message });
    default:
      return null;
  }
}

/** Whether `error` is the caller's own cancellation of the call (not a failure). */
export function isCancelledCall(error: unknown): boolean {
  return error instanceof FileSystemError && error.code === "ECANCELED";
}
