/**
 * Gathers what a run learned — an early failure, the operator's cancel, the streamed output and
 * how the pod ended — and hands it to the outcome classifier in one place.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { RunFailure } from "../errors.js";
import { classifyOutcome, type RunOutcome } from "../outcome/classify-outcome.js";
import { emptyStreamSummary } from "../outcome/stream-json-accumulator.js";
import type { TailSummary } from "../tailer/log-tailer.js";
import type { AgentRunRequest, RunReport } from "./agent-run-request.js";
import type { StreamedRun } from "./run-streamer.js";
import type { CancelResult } from "./run-target.js";

export class RunEvidence {
  private earlierFailure: RunFailure | null = null;
  private streamedRun: StreamedRun | null = null;
  private cancellation: CancelResult | null = null;

  constructor(
    private readonly request: AgentRunRequest,
    private readonly clock: ClockPort,
  ) {}

  get tail(): TailSummary | null {
    return this.streamedRun?.tail ?? null;
  }

  failedEarly(failure: RunFailure): this {
    this.earlierFailure = failure;
    return this;
  }

  cancelled(result: CancelResult): this {
    this.cancellation = result;
    return this;
  }

  streamed(run: StreamedRun, cancellation: CancelResult | null): this {
    this.streamedRun = run;
    this.cancellation = cancellation;
    return this;
  }

  /** A run that ended before anything was created (refused, or cancelled first): nothing to clean up. */
  endedBeforeLaunch(failure: RunFailure | null, namespace: string | null = null): RunReport {
    if (failure) this.earlierFailure = failure;
    return {
      outcome: this.classify(null),
      namespace,
      jobName: null,
      reattachedFromRunId: null,
      tail: null,
      cleanup: { retained: false, problems: [] },
    };
  }

  /** `runSessionId`: the session the server started, resumed or adopted; the only one the outcome may report. */
  classify(jobName: string | null, runSessionId: string | null = null): RunOutcome {
    const podEnd = this.streamedRun?.podEnd ?? null;
    const cancel = this.cancellation;
    const cancelFailure = cancel && "failure" in cancel ? cancel.failure : null;
    const acknowledged = cancel && "acknowledgedAt" in cancel ? cancel : null;
    return classifyOutcome({
      stream: this.streamedRun?.stream ?? emptyStreamSummary(),
      trailer: this.streamedRun?.tail.trailer ?? null,
      podTermination: podEnd?.kind === "terminated" ? podEnd.terminated : null,
      jobFailureReason: podEnd?.kind === "terminated" ? podEnd.jobFailureReason : null,
      cancelled: acknowledged,
      jobDeletedExternally: podEnd?.kind === "job-deleted" && cancel === null,
      earlierFailure:
        cancelFailure ??
        this.earlierFailure ??
        (podEnd?.kind === "failed" ? podEnd.failure : null) ??
        this.streamedRun?.tail.failure ??
        null,
      stderrTail: this.streamedRun?.stderrTail ?? "",
      resumedSessionId: this.request.resumeSessionId,
      runSessionId,
      requestedModel: this.request.config.model || null,
      jobName: jobName ?? "(none)",
      timeoutSec: this.request.config.timeoutSec,
      nowMs: this.clock.now(),
      billingEnv: this.request.billingEnv,
    });
  }
}
