/**
 * Streams one run: follows the pod's log files on the shared volume (LogTailer), feeds each stdout
 * line to the incremental stream-json accumulator and each stderr line to a bounded tail, forwards
 * every line to the caller, and tells the tailer when the pod has ended so its drain window starts.
 * While the agent is silent it writes a short status line, so the host sees the run alive.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { ContainerStateTerminated } from "../../ports/kubernetes-objects.js";
import type { RunFailure } from "../errors.js";
import { BoundedTextTail } from "../outcome/bounded-text.js";
import { StreamJsonAccumulator, type StreamSummary } from "../outcome/stream-json-accumulator.js";
import type { RunFilePaths } from "../run-log-paths.js";
import type { LogTailer, TailOptions, TailSummary } from "../tailer/log-tailer.js";
import { phaseLine } from "../cluster/phase-line.js";
import type { RunObserver } from "./agent-run-request.js";
import type { StatusSink } from "./status-sink.js";

/** How the pod ended, as the cluster reported it. */
export type PodEnd =
  | {
      readonly kind: "terminated";
      readonly terminated: ContainerStateTerminated | null;
      readonly jobFailureReason: string | null;
    }
  | { readonly kind: "job-deleted" }
  | { readonly kind: "failed"; readonly failure: RunFailure }
  | { readonly kind: "cancelled" };

export interface StreamedRun {
  readonly tail: TailSummary;
  readonly stream: StreamSummary;
  readonly stderrTail: string;
  /** null when the pod's end was not observed within the settle bound after the stream completed. */
  readonly podEnd: PodEnd | null;
}

export interface StreamOptions {
  readonly paths: Pick<RunFilePaths, "root" | "stdout" | "stderr" | "trailer">;
  readonly jobName: string;
  readonly appearTimeoutMs: number;
  readonly drainTimeoutMs: number;
  /** Memory and output bounds of the tail (see the config fields of the same names). */
  readonly limits: Pick<TailOptions, "maxLineBytes" | "maxOutputBytes" | "maxOutputLines">;
  /** Resolves when the pod has ended; rejects never (failures are values). */
  readonly podEnded: Promise<PodEnd>;
  readonly signal: AbortSignal;
}

const SILENCE_STATUS_EVERY_MS = 15_000;
/** After the trailer has been read, how long to wait for the cluster to report the pod's end. */
const POD_END_SETTLE_MS = 30_000;
const STDERR_TAIL_CHARS = 8_192;

export class RunStreamer {
  constructor(
    private readonly tailer: LogTailer,
    private readonly clock: ClockPort,
  ) {}

  async stream(options: StreamOptions, observer: Pick<RunObserver, "onLog">, status: StatusSink): Promise<StreamedRun> {
    const accumulator = new StreamJsonAccumulator();
    const stderrTail = new BoundedTextTail(STDERR_TAIL_CHARS);
    let lastOutputAt = this.clock.monotonicMs();
    let sawOutput = false;

    const session = this.tailer.follow(
      {
        root: options.paths.root,
        stdoutPath: options.paths.stdout,
        stderrPath: options.paths.stderr,
        trailerPath: options.paths.trailer,
      },
      async (stream, chunk, cut) => {
        lastOutputAt = this.clock.monotonicMs();
        if (!sawOutput) {
          sawOutput = true;
          await status(phaseLine("first output received"), "first-output");
        }
        if (stream === "stderr") stderrTail.append(chunk);
        else if (cut) accumulator.pushCut(options.limits.maxLineBytes);
        else accumulator.push(chunk);
        await observer.onLog(stream, chunk);
      },
      {
        signal: options.signal,
        appearTimeoutMs: options.appearTimeoutMs,
        drainTimeoutMs: options.drainTimeoutMs,
        ...options.limits,
      },
    );

    let podEnd: PodEnd | null = null;
    void options.podEnded.then((end) => {
      podEnd = end;
      session.markWriterTerminated(killedWithoutTrailer(end) ? NO_TRAILER_DRAIN_MS : undefined);
    });

    const heartbeat = new AbortController();
    const stopHeartbeat = () => heartbeat.abort();
    options.signal.addEventListener("abort", stopHeartbeat, { once: true });
    const silenceReporter = this.reportSilence(options.jobName, () => lastOutputAt, heartbeat.signal, status);

    const tail = await session.done;
    heartbeat.abort();
    options.signal.removeEventListener("abort", stopHeartbeat);
    await silenceReporter;

    if (tail.trailer)
      await status(phaseLine(`trailer received: claude exited ${tail.trailer.exitCode}`), "trailer-received");
    // How the pod ended only refines a COMPLETE tail: a tail failure is the verdict by itself, and
    // waiting for a pod still running (e.g. writing somewhere else) would only delay it.
    if (!podEnd && !options.signal.aborted && tail.ended === "complete") podEnd = await this.settle(options.podEnded);
    return { tail, stream: accumulator.summary, stderrTail: stderrTail.value, podEnd };
  }

  private async settle(podEnded: Promise<PodEnd>): Promise<PodEnd | null> {
    const timeout = new AbortController();
    const timer = this.clock.sleep(POD_END_SETTLE_MS, timeout.signal).then(() => null);
    const end = await Promise.race([podEnded, timer]);
    timeout.abort();
    return end;
  }

  private async reportSilence(
    jobName: string,
    lastOutputAt: () => number,
    signal: AbortSignal,
    status: StatusSink,
  ): Promise<void> {
    while ((await this.clock.sleep(SILENCE_STATUS_EVERY_MS, signal)) === "elapsed") {
      const silentFor = this.clock.monotonicMs() - lastOutputAt();
      if (silentFor >= SILENCE_STATUS_EVERY_MS) {
        await status(phaseLine(`job ${jobName} running; no output for ${Math.round(silentFor / 1000)}s`));
      }
    }
  }
}

/**
 * A container killed by SIGKILL (exit 137, OOMKilled) never ran the run script's trailer step, so
 * the drain only waits for bytes the volume has not shown yet, not for a trailer.
 */
const NO_TRAILER_DRAIN_MS = 5_000;

function killedWithoutTrailer(end: PodEnd): boolean {
  if (end.kind !== "terminated" || end.terminated === null) return false;
  return end.terminated.exitCode === 137 || end.terminated.reason === "OOMKilled";
}
