/**
 * How claude's process or the pod ended, in words an operator can act on. The exit code is the main
 * container's terminated state as Kubernetes reports it; the pod's trailer (pod-written) only stands
 * in when Kubernetes reported no container state, and a trailer that disagrees is a named mismatch.
 */
import type { RunTrailer } from "../run-trailer.js";

export interface PodTermination {
  readonly exitCode: number;
  readonly signal?: number;
  readonly reason?: string;
  readonly message?: string;
}

const SIGNAL_NAMES: Readonly<Record<number, string>> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  9: "SIGKILL",
  11: "SIGSEGV",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};

/** The container's exit code from Kubernetes; the trailer's claim only when Kubernetes reported none. */
export function effectiveExitCode(trailer: RunTrailer | null, pod: PodTermination | null): number | null {
  return pod?.exitCode ?? trailer?.exitCode ?? null;
}

/** Where the exit code came from. */
export function exitCodeSource(
  trailer: RunTrailer | null,
  pod: PodTermination | null,
): "kubernetes" | "trailer" | null {
  if (pod !== null) return "kubernetes";
  return trailer !== null ? "trailer" : null;
}

export interface ExitCodeMismatch {
  /** What the pod's trailer claims. */
  readonly claimedByPod: number;
  /** What Kubernetes reports for the container. */
  readonly container: number;
}

/** The trailer and the container disagree about how the run ended: the pod's claim is not to be trusted. */
export function exitCodeMismatch(trailer: RunTrailer | null, pod: PodTermination | null): ExitCodeMismatch | null {
  if (trailer === null || pod === null || trailer.exitCode === pod.exitCode) return null;
  return { claimedByPod: trailer.exitCode, container: pod.exitCode };
}

/** The signal that ended the run, by name ("SIGKILL"), from the terminated state or a 128+n exit code. */
export function terminatingSignal(trailer: RunTrailer | null, pod: PodTermination | null): string | null {
  if (pod?.signal !== undefined && pod.signal > 0) return signalName(pod.signal);
  const exitCode = effectiveExitCode(trailer, pod);
  return exitCode !== null && exitCode > 128 && exitCode < 160 ? signalName(exitCode - 128) : null;
}

/** True when the process or container was killed rather than exiting on its own. */
export function wasKilled(trailer: RunTrailer | null, pod: PodTermination | null): boolean {
  return pod?.reason === "OOMKilled" || terminatingSignal(trailer, pod) !== null;
}

/** One clause naming why the run ended, e.g. "the container was OOMKilled (exit 137): raise its memory limit". */
export function describeExitCause(trailer: RunTrailer | null, pod: PodTermination | null): string {
  const exitCode = effectiveExitCode(trailer, pod);
  // The terminated state's message is the pod's own termination log (pod-written): named, never quoted.
  const podNote = pod?.message?.trim()
    ? ` (the container left a ${pod.message.length}-character termination message)`
    : "";
  if (pod?.reason === "OOMKilled") {
    return `the container was OOMKilled (exit ${pod.exitCode}): raise the Job's memory limit${podNote}`;
  }
  const signal = terminatingSignal(trailer, pod);
  if (signal === "SIGKILL")
    return `claude was killed by SIGKILL (exit ${exitCode ?? "?"}; commonly out of memory)${podNote}`;
  if (signal === "SIGTERM") {
    return `claude was stopped by SIGTERM (exit ${exitCode ?? "?"}; the pod was terminated: eviction, node drain or deletion)${podNote}`;
  }
  if (signal !== null) return `claude was killed by ${signal} (exit ${exitCode ?? "?"})${podNote}`;
  if (trailer !== null) {
    return trailer.exitCode === 0
      ? "claude exited with code 0 without writing a result event"
      : `claude exited with code ${trailer.exitCode}`;
  }
  if (pod !== null) {
    return `the container exited with code ${pod.exitCode}${pod.reason ? ` (${pod.reason})` : ""}${podNote} and no trailer was written`;
  }
  return "the exit cause is unknown: no trailer and no terminated container state were observed";
}

export function signalName(signal: number): string {
  return SIGNAL_NAMES[signal] ?? `signal ${signal}`;
}
