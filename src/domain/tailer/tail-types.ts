/**
 * The LogTailer's public value types: what it follows, where lines go, and what it reports.
 * Kept apart from the loop so collaborators can share them without importing the tailer itself.
 */
import type { RunFailure } from "../errors.js";
import type { RunTrailer } from "../run-trailer.js";

export type LogStream = "stdout" | "stderr";

/**
 * Receives one line plus "\n" at a time; a returned promise is awaited before the next line
 * (backpressure). `cut` is true for a line longer than `maxLineBytes`: `chunk` is then its head
 * plus a visible marker, and is not the line the pod wrote (never parse it as an event).
 */
export type LineSink = (stream: LogStream, chunk: string, cut: boolean) => Promise<void> | void;

/** The three files a run's pod writes on the shared volume (see run-log-paths.ts). */
export interface TailTarget {
  /** The run-log root: the tailer never reads outside it, nor through a symlinked directory below it. */
  readonly root: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  readonly trailerPath: string;
}

export interface StreamTotals {
  /** File bytes consumed as lines (each line's bytes including its "\n"; a cut line's skipped rest too). */
  readonly bytes: number;
  readonly lines: number;
}

export type TailEnding = "complete" | "cancelled" | "failed";

export interface TailSummary {
  readonly stdout: StreamTotals;
  readonly stderr: StreamTotals;
  /** The pod's end-of-stream trailer, or null when none was seen. */
  readonly trailer: RunTrailer | null;
  readonly ended: TailEnding;
  /** Set exactly when `ended === "failed"`. */
  readonly failure: RunFailure | null;
}

export interface TailSession {
  /** Settles once with the summary; never rejects. */
  readonly done: Promise<TailSummary>;
  /**
   * The owner saw the pod terminate: keep reading for the bounded drain window (`drainTimeoutMs`
   * when shorter: no trailer can come), then report what is missing.
   */
  markWriterTerminated(drainTimeoutMs?: number): void;
}
