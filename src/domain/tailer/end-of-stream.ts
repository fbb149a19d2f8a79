/**
 * End of stream as a protocol, not a timing guess: the tail is complete when the trailer exists
 * and exactly its byte counts have been read from both files. When the drain window closes first,
 * this says precisely what is missing.
 */
import { runFailure, type RunFailure } from "../errors.js";
import type { RunTrailer } from "../run-trailer.js";
import type { LogStream, TailTarget } from "./tail-types.js";

export interface StreamProgress {
  readonly stream: LogStream;
  readonly path: string;
  readonly appeared: boolean;
  /** Bytes read from the file so far (delivered or held as an unfinished line). */
  readonly consumed: number;
}

export interface EndOfStreamState {
  readonly target: TailTarget;
  readonly trailer: RunTrailer | null;
  /** Why the last trailer lookup did not yield a trailer, when it was present but unusable. */
  readonly trailerProblem: string | null;
  readonly stdout: StreamProgress;
  readonly stderr: StreamProgress;
}

export type EndVerdict =
  | { readonly kind: "complete" }
  | { readonly kind: "continue" }
  | { readonly kind: "failed"; readonly failure: RunFailure };

const expectedBytes = (trailer: RunTrailer, stream: LogStream): number =>
  stream === "stdout" ? trailer.stdoutBytes : trailer.stderrBytes;

/** Judges the state after a poll: complete, more than the trailer promised (failed), or keep going. */
export function judgeProgress(state: EndOfStreamState): EndVerdict {
  const { trailer } = state;
  if (trailer === null || !state.stdout.appeared) return { kind: "continue" };
  for (const progress of [state.stdout, state.stderr]) {
    const expected = expectedBytes(trailer, progress.stream);
    if (progress.consumed > expected) {
      return {
        kind: "failed",
        failure: runFailure("k8s_pod_log_overrun", { path: progress.path, actual: progress.consumed, expected }),
      };
    }
  }
  const caughtUp = [state.stdout, state.stderr].every((p) => p.consumed === expectedBytes(trailer, p.stream));
  return caughtUp ? { kind: "complete" } : { kind: "continue" };
}

/** The failure to report when the drain window closed before the tail was complete. */
export function describeMissing(state: EndOfStreamState): RunFailure {
  const { target, trailer } = state;
  if (!state.stdout.appeared) return runFailure("k8s_pod_log_file_missing", { path: target.stdoutPath });
  if (trailer === null) {
    if (state.trailerProblem !== null) {
      return runFailure("k8s_pod_log_incomplete", { path: target.trailerPath, detail: state.trailerProblem });
    }
    return runFailure("k8s_pod_log_writer_died", {
      path: target.trailerPath,
      stdoutBytes: state.stdout.consumed,
      stderrBytes: state.stderr.consumed,
    });
  }
  const short = [state.stdout, state.stderr].filter((p) => p.consumed < expectedBytes(trailer, p.stream));
  const detail = short
    .map((p) => {
      const expected = expectedBytes(trailer, p.stream);
      const seen = p.appeared ? `read ${p.consumed} of` : "the file never appeared, expected";
      return `${p.stream} ${seen} ${expected} bytes (${expected - p.consumed} missing)`;
    })
    .join("; ");
  const first = short[0] ?? state.stdout;
  return runFailure("k8s_pod_log_incomplete", { path: first.path, detail });
}
