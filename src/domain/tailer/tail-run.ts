/**
 * One follow of a run's files: the polling loop that ties the followers, the trailer, the poll
 * cadence and the deadlines together, and always ends with a summary (never a rejection).
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { FileSystemPort, PathScope, QuietWatch } from "../../ports/file-system-port.js";
import { runFailure, type RunFailure } from "../errors.js";
import type { RunTrailer } from "../run-trailer.js";
import { describeMissing, judgeProgress, type EndOfStreamState } from "./end-of-stream.js";
import { FileFollower } from "./file-follower.js";
import { OutputBudget } from "./output-budget.js";
import { PollCadence, RetryBackoff } from "./poll-cadence.js";
import type { PollScheduler } from "./poll-scheduler.js";
import type { ReadBufferPool } from "./read-buffer-pool.js";
import { StreamDelivery } from "./stream-delivery.js";
import { deliveryFailure, readFailure } from "./tail-failures.js";
import type { TailOptions } from "./tail-options.js";
import type { LineSink, LogStream, TailEnding, TailSummary, TailTarget } from "./tail-types.js";
import { lookUpTrailer } from "./trailer-reader.js";

interface FollowedStream {
  readonly follower: FileFollower;
  readonly delivery: StreamDelivery;
}

/** What one pass over both files found. */
interface PollOutcome {
  readonly grew: boolean;
  /** The first transient error of the pass, naming its file. */
  readonly transient: { readonly path: string; readonly detail: string } | null;
  /** Set when the pass ended the tail. */
  readonly summary: TailSummary | null;
}

export class TailRun {
  private readonly stdout: FollowedStream;
  private readonly stderr: FollowedStream;
  private readonly cadence: PollCadence;
  private readonly retry: RetryBackoff;
  private trailer: RunTrailer | null = null;
  private trailerProblem: string | null = null;
  private drainDeadline: number | null = null;
  /** The pause in progress, if any. */
  private pause: { wake(): void } | null = null;
  /** The last pause was a quiet watch that ended on news (the poll after it says what it was). */
  private watchNews = false;
  /** Every call stays under the run-log root, and is abandoned when the run is cancelled. */
  private readonly scope: PathScope;
  /** Set by the writer's end or a cancel while no pause is in progress: the next pause is skipped. */
  private wakeRequested = false;

  constructor(
    private readonly fileSystem: FileSystemPort,
    private readonly clock: ClockPort,
    private readonly scheduler: PollScheduler,
    private readonly buffers: ReadBufferPool,
    private readonly target: TailTarget,
    sink: LineSink,
    private readonly options: TailOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.scope = signal ? { under: target.root, signal } : { under: target.root };
    // One budget for both streams: the caps are per run.
    const budget = new OutputBudget(options);
    const delivery = (stream: LogStream, path: string) =>
      new StreamDelivery(stream, sink, signal, { path, budget, maxLineBytes: options.maxLineBytes });
    this.stdout = this.stream(target.stdoutPath, delivery("stdout", target.stdoutPath));
    this.stderr = this.stream(target.stderrPath, delivery("stderr", target.stderrPath));
    this.cadence = new PollCadence(options);
    this.retry = new RetryBackoff(options);
  }

  /** The writer is gone (pod terminated, or its trailer was seen): from now on the wait is bounded. */
  markWriterTerminated(drainTimeoutMs = this.options.drainTimeoutMs): void {
    const deadline = this.clock.monotonicMs() + Math.min(drainTimeoutMs, this.options.drainTimeoutMs);
    // A later, shorter window (no trailer can come) may cut an open one short, never lengthen it.
    if (this.drainDeadline !== null && this.drainDeadline <= deadline) return;
    this.drainDeadline = deadline;
    // Poll at once instead of after the current pause: the end of a run is what its caller waits for.
    this.wake();
  }

  private wake(): void {
    if (this.pause !== null) this.pause.wake();
    else this.wakeRequested = true;
  }

  async run(): Promise<TailSummary> {
    const cancel = () => this.wake();
    this.signal?.addEventListener("abort", cancel, { once: true });
    try {
      return await this.loop();
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return this.summarize("failed", runFailure("internal_error", { detail: `log tailer: ${detail}` }));
    } finally {
      this.signal?.removeEventListener("abort", cancel);
      await this.stdout.follower.close();
      await this.stderr.follower.close();
    }
  }

  private async loop(): Promise<TailSummary> {
    const appearDeadline = this.clock.monotonicMs() + this.options.appearTimeoutMs;
    let grewLastPoll = false;
    for (;;) {
      if (this.signal?.aborted) return this.summarize("cancelled", null);
      const pollStartedAt = this.clock.monotonicMs();
      // While the files grow the writer is usually not done, so until the drain window opens the
      // trailer is looked for only after a quiet poll (fewer opens on the shared volume).
      let refused: RunFailure | null = null;
      if (this.trailer === null && (!grewLastPoll || this.drainDeadline !== null))
        refused = await this.lookForTrailer();
      const outcome = await this.pollStreams();
      grewLastPoll = outcome.grew;
      if (outcome.summary !== null) return outcome.summary;
      // A refused trailer ends the run, after delivering what the logs already hold.
      if (refused !== null) return this.fail(refused);

      const now = this.clock.monotonicMs();
      const drainOver = this.drainDeadline !== null && now >= this.drainDeadline;
      let pause: number;
      // How long this poll took, when the pause is the cadence's (a retry's backoff counts from the failure).
      let polledFor = 0;
      if (outcome.transient !== null) {
        const backoff = this.retry.failed();
        if (backoff === null || drainOver) return this.fail(readFailure(outcome.transient, this.retry.attempts));
        pause = backoff;
      } else {
        polledFor = now - pollStartedAt;
        this.retry.succeeded();
        const verdict = judgeProgress(this.endState());
        if (verdict.kind === "complete") return this.complete();
        if (verdict.kind === "failed") return this.fail(verdict.failure);
        if (!this.stdout.follower.appeared && now >= appearDeadline) {
          return this.fail(runFailure("k8s_pod_log_file_missing", { path: this.target.stdoutPath }));
        }
        if (drainOver) return this.fail(describeMissing(this.endState()));
        // Waiting for the file to appear is always fast polling; idleness only counts once it exists.
        pause = this.stdout.follower.appeared ? this.cadence.next(outcome.grew) : this.options.fastPollMs;
      }
      if (this.drainDeadline !== null) pause = Math.min(pause, this.options.fastPollMs);
      await this.pauseFor(pause, polledFor, outcome);
      if (this.signal?.aborted) return this.summarize("cancelled", null);
    }
  }

  /**
   * Waits on the shared scheduler so that polls start `ms` apart (the cadence is a rate: a busy
   * process does not stretch it by how long each poll took, yet after a poll slower than half of it
   * waits at least that half, so an overloaded process is not polled back to back), or between
   * quiet polls, on a quiet watch; not at all if a wake came while polling.
   */
  private async pauseFor(ms: number, polledFor: number, polled: PollOutcome): Promise<void> {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return;
    }
    const watch = this.quietWatch(ms, polled);
    this.watchNews = false;
    const pause = watch ?? this.scheduler.pause(Math.max(ms - polledFor, ms / 2));
    this.pause = pause;
    try {
      const outcome = await pause.done;
      this.watchNews = watch !== null && outcome === "changed";
    } finally {
      this.pause = null;
    }
  }

  /**
   * A slow pause between quiet polls, kept by the file system when it can: it checks the files
   * every `ms` as a quiet poll would and ends at the first news, so a run whose files do not change
   * costs this loop nothing. Only at the slow cadence with the trailer absent and no drain; not
   * right after a watch's news that the poll did not find (a watch and a poll that disagree cost
   * one plain pause, never a busy loop).
   */
  private quietWatch(ms: number, polled: PollOutcome): QuietWatch | null {
    if (this.fileSystem.watchQuiet === undefined || this.watchNews) return null;
    if (polled.grew || polled.transient !== null || ms !== this.options.slowPollMs) return null;
    if (this.drainDeadline !== null || this.trailer !== null || this.trailerProblem !== null) return null;
    const stdout = this.stdout.follower.quietState;
    const stderr = this.stderr.follower.quietState;
    if (stdout === null || stdout.identity === null || stderr === null) return null;
    return this.fileSystem.watchQuiet({
      intervalMs: ms,
      scope: this.scope,
      files: [stdout, stderr],
      absent: [this.target.trailerPath],
    });
  }

  /** Looks for the trailer; returns the failure that ends the run when what is there is refused. */
  private async lookForTrailer(): Promise<RunFailure | null> {
    const lookup = await lookUpTrailer(this.fileSystem, this.target.trailerPath, this.scope);
    if (lookup.kind === "refused") return lookup.failure;
    if (lookup.kind === "found") {
      this.trailer = lookup.trailer;
      this.trailerProblem = null;
      // The pod writes the trailer only after claude exited, so the writer is done either way.
      this.markWriterTerminated();
    } else {
      this.trailerProblem = lookup.kind === "absent" ? null : lookup.detail;
    }
    return null;
  }

  private async pollStreams(): Promise<PollOutcome> {
    const now = this.clock.monotonicMs();
    const occasion = this.drainDeadline !== null ? "draining" : this.watchNews ? "news" : "due";
    let grew = false;
    let transient: PollOutcome["transient"] = null;
    for (const { follower, delivery } of [this.stdout, this.stderr]) {
      const step = await follower.poll((chunk) => delivery.accept(chunk), now, occasion);
      switch (step.kind) {
        case "absent":
          break;
        case "read":
          grew ||= step.bytes > 0;
          break;
        case "transient":
          transient ??= { path: follower.path, detail: step.detail };
          break;
        case "failed":
          return { grew, transient, summary: await this.fail(step.failure) };
        case "stopped":
          return { grew, transient, summary: this.stopped(follower, delivery) };
      }
    }
    return { grew, transient, summary: null };
  }

  private stopped(follower: FileFollower, delivery: StreamDelivery): TailSummary {
    const failure = deliveryFailure(follower.path, delivery);
    return failure === null ? this.summarize("cancelled", null) : this.summarize("failed", failure);
  }

  /** The tail is whole: deliver any final line without a newline, then report success. */
  private async complete(): Promise<TailSummary> {
    for (const { follower, delivery } of [this.stdout, this.stderr]) {
      if (!(await delivery.flush())) return this.stopped(follower, delivery);
    }
    return this.summarize("complete", null);
  }

  /** Ends as failed, first delivering the unfinished lines already read: output is never dropped. */
  private async fail(failure: RunFailure): Promise<TailSummary> {
    await this.stdout.delivery.flush();
    await this.stderr.delivery.flush();
    return this.summarize("failed", failure);
  }

  private endState(): EndOfStreamState {
    const progress = ({ follower, delivery }: FollowedStream) => ({
      stream: delivery.stream,
      path: follower.path,
      appeared: follower.appeared,
      consumed: follower.offset,
    });
    return {
      target: this.target,
      trailer: this.trailer,
      trailerProblem: this.trailerProblem,
      stdout: progress(this.stdout),
      stderr: progress(this.stderr),
    };
  }

  private summarize(ended: TailEnding, failure: RunFailure | null): TailSummary {
    return {
      stdout: this.stdout.delivery.totals,
      stderr: this.stderr.delivery.totals,
      trailer: this.trailer,
      ended,
      failure,
    };
  }

  private stream(path: string, delivery: StreamDelivery): FollowedStream {
    // A quiet file is re-opened at the slow cadence even while the other stream keeps polls fast.
    const follower = new FileFollower(this.fileSystem, path, this.options.chunkBytes, this.options.slowPollMs, {
      scope: this.scope,
      buffers: this.buffers,
    });
    return { follower, delivery };
  }
}
