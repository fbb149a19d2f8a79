/**
 * One execution of an agent run. Each method is a phase and returns what is now known (see
 * run-phases.ts): prepare → place → claim (launch | adopt) → start → stream → end (classify, clean
 * up). The run's own state — its request, its one status sink, its cancellation — lives here, so
 * no phase is handed it piece by piece.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { apiFailure, asApiError, describeApiError } from "../cluster/api-failure.js";
import { phaseLine } from "../cluster/phase-line.js";
import { fail, ok, type ErrorCode, type Result, type RunFailure } from "../errors.js";
import type { JobManifestFactory } from "../job/job-manifest-factory.js";
import type { PromptDelivery } from "../job/prompt-delivery.js";
import { classifyEnding, type RunEnding, type RunOutcome } from "../outcome/classify-outcome.js";
import type { ServerPodReader } from "../server-pod-reader.js";
import type { AgentRunRequest, RunObserver, RunReport } from "./agent-run-request.js";
import { Cancellation } from "./cancellation.js";
import type { ConcurrencyGuard } from "./concurrency-guard.js";
import { JobClaim } from "./job-claim.js";
import type { JobLauncher } from "./job-launcher.js";
import type { LiveRuns } from "./live-runs.js";
import type { PodLifecycle } from "./pod-lifecycle.js";
import type { RunCleanup } from "./run-cleanup.js";
import type { Claim, ClaimedRun, PlacedRun, PreparedRun, RunScope } from "./run-phases.js";
import { prepareRun } from "./run-preparation.js";
import type { RunStreamer, StreamedRun } from "./run-streamer.js";
import { statusSinkOf, type StatusSink } from "./status-sink.js";

/** The collaborators every run uses, one of each per server. */
export interface RunServices {
  readonly kubernetes: KubernetesPort;
  readonly clock: ClockPort;
  readonly serverPod: ServerPodReader;
  readonly guard: ConcurrencyGuard;
  readonly prompts: PromptDelivery;
  readonly manifests: JobManifestFactory;
  readonly launcher: JobLauncher;
  readonly pods: PodLifecycle;
  readonly streamer: RunStreamer;
  readonly cleanup: RunCleanup;
  readonly liveRuns: LiveRuns;
}

const OUTPUT_LIMIT: ErrorCode = "k8s_pod_output_limit_exceeded";
/** A deleted pod gets Kubernetes' default 30 s termination grace; a little more to be seen gone. */
const POD_STOP_WAIT_MS = 45_000;

/** Where a run's ending is cleaned up: its Job (none when the launch failed) and its files. */
type EndingPlace = Pick<ClaimedRun, "namespace" | "paths" | "reattachedFromRunId" | "sessionId"> & {
  readonly jobName: string | null;
};

export class Run {
  private readonly status: StatusSink;
  private readonly scope: RunScope;
  private readonly cancellation: Cancellation;

  constructor(
    private readonly request: AgentRunRequest,
    private readonly observer: RunObserver,
    signal: AbortSignal,
    private readonly services: RunServices,
  ) {
    this.status = statusSinkOf(observer);
    this.scope = { status: this.status, signal };
    this.cancellation = new Cancellation(this.scope, services.clock, services.cleanup);
  }

  prepare(): Result<PreparedRun> {
    return prepareRun(this.request);
  }

  /** The namespace (config, else the server pod's own, else the client's) and the server pod to inherit from. */
  async place(prepared: PreparedRun): Promise<Result<PlacedRun>> {
    try {
      const serverPod = await this.services.serverPod.read();
      const namespace =
        this.request.config.namespace ||
        serverPod.metadata.namespace ||
        (await this.services.kubernetes.currentNamespace());
      return ok({ ...prepared, namespace, serverPod });
    } catch (error) {
      return fail(apiFailure(asApiError(error, "read the Paperclip server's own pod")));
    }
  }

  claim(placed: PlacedRun): Promise<Claim> {
    return new JobClaim(this.services, this.request, this.scope).claim(placed, () => this.cancellation.requested);
  }

  /** Follows the claimed Job from its pod's start to the end of its output, then ends the run. */
  async follow(claimed: Claim & { kind: "claimed" }): Promise<RunReport> {
    const job = claimed.run;
    const stopWatching = this.services.pods.hold(job);
    let report: Promise<RunReport>;
    try {
      // The host's record of the invocation is informational: failing to store it must not orphan the Job.
      await this.observer.onLaunched?.(job.launch).catch(() => undefined);
      this.cancellation.guard(job);
      report = this.end(job, await this.observe(job));
    } finally {
      // The run lets go of its Job as its cleanup starts (the cleanup's first call already sent): a
      // cancel from now on has nothing to act on.
      this.cancellation.end();
      stopWatching();
      claimed.release();
    }
    return report;
  }

  /** How the run ended: the pod never started, or its output was streamed; a cancel either way. */
  private async observe(job: ClaimedRun): Promise<RunEnding> {
    const notStarted = await this.start(job);
    if (notStarted !== null || this.cancellation.requested) {
      return { cancel: await this.cancellation.answered(), failure: notStarted, streamed: null };
    }
    const streamed = await this.stream(job);
    return { cancel: await this.cancellation.answered(), failure: null, streamed };
  }

  /** Null once the pod has started; else why it never did (a cancel answers for itself). */
  private async start(job: ClaimedRun): Promise<RunFailure | null> {
    const budgetMs = this.request.config.podStartTimeoutSec * 1000;
    const started = await this.services.pods.awaitStart(job, budgetMs, this.scope);
    return started.kind === "failed" ? started.failure : null;
  }

  private async stream(job: ClaimedRun): Promise<StreamedRun> {
    const { config } = this.request;
    // The cluster often reports the pod's end before the tailer has drained the transcript: the
    // end's status lines wait for the stream, so they follow the output they describe.
    const podEndLines: string[] = [];
    const podEnded = this.services.pods.awaitEnd(job, config, {
      ...this.scope,
      status: (line) => void podEndLines.push(line),
    });
    const streamed = await this.services.streamer.stream(
      {
        paths: job.paths,
        jobName: job.jobName,
        appearTimeoutMs: config.logAppearTimeoutSec * 1000,
        drainTimeoutMs: config.drainTimeoutSec * 1000,
        limits: {
          maxLineBytes: config.maxLineBytes,
          maxOutputBytes: config.maxOutputBytes,
          maxOutputLines: config.maxOutputLines,
        },
        podEnded,
        signal: this.scope.signal,
      },
      this.observer,
      this.status,
    );
    for (const line of podEndLines) await this.status(line);
    if (streamed.tail.failure?.errorCode === OUTPUT_LIMIT) await this.stopFloodingJob(job);
    return streamed;
  }

  /**
   * A pod past the run's output caps would go on writing: its Job is deleted now, even when the
   * operator retains Jobs (its files are still kept then).
   */
  private async stopFloodingJob(job: ClaimedRun): Promise<void> {
    void this.status(phaseLine(`run output cap passed: deleting Job ${job.namespace}/${job.jobName}`));
    const deleted = await this.services.cleanup.deleteJob(job, this.status);
    if (!deleted.ok)
      void this.status(phaseLine(`Job ${job.jobName} not deleted: ${describeApiError(deleted.failure)}`));
  }

  /** Refused before anything was created: nothing to clean up. */
  refused(failure: RunFailure, namespace: string | null = null): RunReport {
    return this.endedBeforeLaunch({ cancel: null, failure, streamed: null }, namespace);
  }

  /** Cancelled before a Job existed: nothing to stop, so acknowledged at once. */
  async cancelledBeforeLaunch(namespace: string): Promise<RunReport> {
    return this.endedBeforeLaunch(
      { cancel: await this.cancellation.answered(), failure: null, streamed: null },
      namespace,
    );
  }

  private endedBeforeLaunch(ending: RunEnding, namespace: string | null): RunReport {
    return {
      outcome: this.classify(ending, null, null),
      namespace,
      jobName: null,
      reattachedFromRunId: null,
      tail: null,
      cleanup: { retained: false, problems: [] },
    };
  }

  /** A launch that failed: the Job was undone by the launcher; the run's files are cleaned up. */
  launchFailed(placed: PlacedRun, failure: RunFailure): Promise<RunReport> {
    const { namespace, paths } = placed;
    const sessionId = this.request.resumeSessionId ?? this.request.freshSessionId;
    return this.end(
      { namespace, paths, jobName: null, reattachedFromRunId: null, sessionId },
      {
        cancel: null,
        failure,
        streamed: null,
      },
    );
  }

  /** Classifies the ending, cleans up and reports what was left behind. */
  private async end(place: EndingPlace, ending: RunEnding): Promise<RunReport> {
    const { namespace, jobName } = place;
    const outcome = this.classify(ending, jobName, place.sessionId);
    const cleanup = await this.services.cleanup.cleanUp(
      { namespace, jobName, files: place.paths },
      this.request.config.retainJobs,
      this.status,
      jobName === null ? undefined : () => this.services.pods.awaitStopped({ namespace, jobName }, POD_STOP_WAIT_MS),
    );
    const say = (text: string) => this.status(phaseLine(text));
    for (const problem of cleanup.problems) await say(`cleanup: ${problem}`);
    for (const ignored of outcome.ignoredSessionIds) {
      await say(
        `ignored session id ${ignored} reported by the pod: this run's session is ${outcome.sessionId ?? "none"}`,
      );
    }
    if (outcome.exitCodeMismatch) {
      const { claimedByPod, container } = outcome.exitCodeMismatch;
      await say(`exit code mismatch: the pod's trailer claims ${claimedByPod}, Kubernetes reports ${container}`);
    }
    const done = cleanup.retained ? "retained the Job and its files (retainJobs)" : "cleaned up";
    await this.status(phaseLine(done), "cleaned-up");
    return {
      outcome,
      namespace,
      jobName,
      reattachedFromRunId: place.reattachedFromRunId,
      tail: ending.streamed?.tail ?? null,
      cleanup,
    };
  }

  /** `runSessionId`: the session the server started, resumed or adopted; the only one the outcome may report. */
  private classify(ending: RunEnding, jobName: string | null, runSessionId: string | null): RunOutcome {
    const { request } = this;
    return classifyEnding(ending, {
      resumedSessionId: request.resumeSessionId,
      runSessionId,
      requestedModel: request.config.model || null,
      jobName: jobName ?? "(none)",
      timeoutSec: request.config.timeoutSec,
      nowMs: this.services.clock.now(),
      billingEnv: request.billingEnv,
    });
  }
}
