/**
 * The LogTailer: follows the files a run's pod writes on the shared volume (stdout, stderr and the
 * end-of-stream trailer) and hands every line to the sink as it appears. Lossless (every byte once,
 * in order, UTF-8 intact) up to its bounds: memory is one read chunk plus at most `maxLineBytes` per
 * stream, no transcript (a longer line reaches the sink cut, head plus marker, flagged `cut`), and a
 * run's output is capped (`maxOutputBytes`, `maxOutputLines`: k8s_pod_output_limit_exceeded). It is
 * ended by the trailer protocol, which counts bytes read (a cut line's skipped rest included), with
 * a named failure for everything that can go wrong.
 *
 * Decisions where the protocol is silent:
 * - stdout must appear within `appearTimeoutMs`; stderr is followed once it appears, and its
 *   absence is an error only if the trailer counts stderr bytes (k8s_pod_log_incomplete).
 * - The drain window opens when the owner calls `markWriterTerminated()` or when the trailer is
 *   seen, whichever comes first; without either, the tail follows until cancelled.
 * - An unfinished last line is delivered at every end except cancellation and a failing sink.
 * - More bytes than the trailer promised is a failure (k8s_pod_log_overrun), not silently accepted.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { FileSystemPort } from "../../ports/file-system-port.js";
import { runFailure } from "../errors.js";
import { PollScheduler } from "./poll-scheduler.js";
import { ReadBufferPool } from "./read-buffer-pool.js";
import { resolveTailOptions, type TailOptions } from "./tail-options.js";
import { TailRun } from "./tail-run.js";
import type { LineSink, TailSession, TailSummary, TailTarget } from "./tail-types.js";

export type { LineSink, LogStream, StreamTotals, TailSession, TailSummary, TailTarget } from "./tail-types.js";
export { DEFAULT_TAIL_OPTIONS, type TailOptions } from "./tail-options.js";

export type FollowOptions = { signal?: AbortSignal } & Partial<TailOptions>;

export class LogTailer {
  /** One pause scheduler and one read-buffer pool for every run this tailer follows. */
  private readonly scheduler: PollScheduler;
  private readonly buffers: ReadBufferPool;

  constructor(
    private readonly fileSystem: FileSystemPort,
    private readonly clock: ClockPort,
    private readonly defaults: Partial<TailOptions> = {},
  ) {
    this.scheduler = new PollScheduler(clock);
    this.buffers = new ReadBufferPool((bytes) => fileSystem.allocateReadBuffer?.(bytes) ?? new Uint8Array(bytes));
  }

  /** Read-buffer bytes lent to polls in progress and kept idle, for tests and benchmarks. */
  get readBuffers(): { readonly lentBytes: number; readonly idleBytes: number } {
    return { lentBytes: this.buffers.lentBytes, idleBytes: this.buffers.idleBytes };
  }

  /** Starts following `target`; the session settles when the tail is complete, cancelled or failed. */
  follow(target: TailTarget, sink: LineSink, options: FollowOptions = {}): TailSession {
    const { signal, ...overrides } = options;
    const resolved = resolveTailOptions(this.defaults, overrides);
    if (!resolved.ok) return settledSession(invalidOptionsSummary(resolved.problem));
    const run = new TailRun(
      this.fileSystem,
      this.clock,
      this.scheduler,
      this.buffers,
      target,
      sink,
      resolved.options,
      signal,
    );
    const done = run.run();
    return { done, markWriterTerminated: (drainTimeoutMs) => run.markWriterTerminated(drainTimeoutMs) };
  }
}

function settledSession(summary: TailSummary): TailSession {
  return { done: Promise.resolve(summary), markWriterTerminated: () => undefined };
}

function invalidOptionsSummary(problem: string): TailSummary {
  const none = { bytes: 0, lines: 0 };
  return {
    stdout: none,
    stderr: none,
    trailer: null,
    ended: "failed",
    failure: runFailure("internal_error", { detail: `log tailer: ${problem}` }),
  };
}
