/**
 * One agent run, from request to truthful outcome. Each step is a named collaborator; every
 * failure is a value with a code; every wait is bounded; cleanup runs on every path.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import type { Pod } from "../../ports/kubernetes-objects.js";
import { asApiError, apiFailure, describeApiError } from "../cluster/api-failure.js";
import { phaseLine } from "../cluster/phase-line.js";
import { fail, ok, runFailure, type ErrorCode, type Result, type RunFailure } from "../errors.js";
import type { JobManifestFactory } from "../job/job-manifest-factory.js";
import type { PromptDelivery } from "../job/prompt-delivery.js";
import type { ServerPodReader } from "../server-pod-reader.js";
import type { AgentRunRequest, RunObserver, RunReport } from "./agent-run-request.js";
import type { AdoptableJob, ConcurrencyGuard } from "./concurrency-guard.js";
import type { JobLauncher } from "./job-launcher.js";
import type { PodLifecycle } from "./pod-lifecycle.js";
import type { RunCleanup } from "./run-cleanup.js";
import type { LiveRuns } from "./live-runs.js";
import type { RunReconciler } from "./run-reconciler.js";
import { RunEvidence } from "./run-evidence.js";
import { statusReporter, type StatusReporter } from "./status-reporter.js";
import { prepareRun } from "./run-preparation.js";
import type { RunStreamer } from "./run-streamer.js";
import { RunTarget } from "./run-target.js";

const OUTPUT_LIMIT: ErrorCode = "k8s_pod_output_limit_exceeded";
/** A deleted pod gets Kubernetes' default 30 s termination grace; a little more to be seen gone. */
const POD_STOP_WAIT_MS = 45_000;

type Claim =
  | { readonly kind: "claimed"; readonly release: () => void }
  | { readonly kind: "cancelled" }
  /** Refused before anything of this run was created. */
  | { readonly kind: "refused"; readonly failure: RunFailure }
  /** Failed while launching: cleanup still runs for what was planned. */
  | { readonly kind: "failed"; readonly failure: RunFailure };

export class RunOrchestrator {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
    private readonly serverPod: ServerPodReader,
    private readonly guard: ConcurrencyGuard,
    private readonly prompts: PromptDelivery,
    private readonly manifests: JobManifestFactory,
    private readonly launcher: JobLauncher,
    private readonly pods: PodLifecycle,
    private readonly streamer: RunStreamer,
    private readonly cleanup: RunCleanup,
    private readonly liveRuns: LiveRuns,
    /** Sweeps what dead servers left behind, in each namespace and run-log root runs use. */
    private readonly reconciler?: RunReconciler,
  ) {}

  async run(request: AgentRunRequest, observer: RunObserver, signal: AbortSignal): Promise<RunReport> {
    // While this run lives, its directory is never swept as an orphan's.
    const releaseRun = this.liveRuns.holdRun(request.runId);
    try {
      return await this.carryOut(request, observer, signal);
    } finally {
      releaseRun();
    }
  }

  private async carryOut(request: AgentRunRequest, observer: RunObserver, signal: AbortSignal): Promise<RunReport> {
    const status = statusReporter(observer);
    /** Sinks of collaborators receive whole `[claude-k8s] …` lines; `say` adds the prefix. */
    const line = (whole: string) => void status.line(whole);
    const evidence = new RunEvidence(request, this.clock);
    const prepared = prepareRun(request);
    if (!prepared.ok) return evidence.endedBeforeLaunch(prepared.failure);
    const located = await this.locate(request);
    if (!located.ok) return evidence.endedBeforeLaunch(located.failure);
    const target = new RunTarget(located.value.namespace, prepared.value.paths);
    this.reconciler?.keepSweeping(target.namespace, request.runLogRoot);

    // One claim per agent at a time in this process; the API server's run slot settles the rest.
    const claimed = await this.liveRuns.exclusive(`${request.companyId}/${request.agentId}`, () =>
      this.claimJob(request, target, located.value.serverPod, status, signal),
    );
    if (claimed.kind === "refused") return evidence.endedBeforeLaunch(claimed.failure, target.namespace);
    if (claimed.kind === "cancelled")
      return evidence.cancelled(target.acknowledgeNow(this.clock)).endedBeforeLaunch(null, target.namespace);
    if (claimed.kind === "failed") return this.finish(request, target, evidence.failedEarly(claimed.failure), status);
    const releaseJob = claimed.release;
    const release = this.pods.hold(target.namespace, target.jobName ?? "");
    try {
      // The host's record of the invocation is informational: failing to store it must not orphan the Job.
      await observer.onLaunched?.(target.launchInfo(prepared.value.promptBytes)).catch(() => undefined);
      const cancellation = target.watchCancellation(signal, this.clock, () => this.cancelJob(target, line));
      const started = await this.pods.awaitStart(
        target.namespace,
        target.jobName ?? "",
        request.config.podStartTimeoutSec * 1000,
        signal,
        line,
      );
      // Our own cancel deletes the Job, which the start wait may see first as a deletion: cancel wins.
      if (started.kind === "cancelled" || signal.aborted)
        return this.finish(request, target, evidence.cancelled(await cancellation), status);
      if (started.kind === "failed") return this.finish(request, target, evidence.failedEarly(started.failure), status);

      // The cluster often reports the pod's end before the tailer has drained the transcript: the
      // end's status lines wait for the stream, so they follow the output they describe.
      const podEndLines: string[] = [];
      const streamed = await this.streamer.stream(
        {
          paths: target.paths,
          jobName: target.jobName ?? "",
          appearTimeoutMs: request.config.logAppearTimeoutSec * 1000,
          drainTimeoutMs: request.config.drainTimeoutSec * 1000,
          limits: {
            maxLineBytes: request.config.maxLineBytes,
            maxOutputBytes: request.config.maxOutputBytes,
            maxOutputLines: request.config.maxOutputLines,
          },
          podEnded: this.pods.awaitEnd(target.namespace, target.jobName ?? "", request.config, signal, (whole) => {
            podEndLines.push(whole);
          }),
          signal,
        },
        observer,
      );
      for (const whole of podEndLines) await status.line(whole);
      if (streamed.tail.failure?.errorCode === OUTPUT_LIMIT) await this.stopFloodingJob(target, line);
      return this.finish(
        request,
        target,
        evidence.streamed(streamed, signal.aborted ? await cancellation : null),
        status,
      );
    } finally {
      target.stopWatchingCancellation();
      release();
      releaseJob();
    }
  }

  /**
   * Decides what this run follows — its own new Job, or an orphan it adopts or harvests (a
   * suspended orphan is replaced) — and marks that Job held by a live run before the next claim
   * of the agent may look.
   */
  private async claimJob(
    request: AgentRunRequest,
    target: RunTarget,
    serverPod: Pod,
    status: StatusReporter,
    signal: AbortSignal,
  ): Promise<Claim> {
    const line = (whole: string) => void status.line(whole);
    const say = (text: string) => void status.say(text);
    const decision = await this.guard.decide(target.namespace, request, line);
    if (!decision.ok) return { kind: "refused", failure: decision.failure };
    if (signal.aborted) return { kind: "cancelled" };
    const adopted = decision.value;
    if (adopted.kind === "adopt") {
      target.adopt(adopted.jobName, adopted.paths, adopted.runId, adopted.sessionId);
      say(
        adopted.finished
          ? `harvesting finished Job ${target.namespace}/${adopted.jobName} of run ${adopted.runId}: its transcript is replayed and claude is not run again`
          : `reattached to running Job ${target.namespace}/${adopted.jobName} of run ${adopted.runId}`,
      );
    } else {
      if (adopted.kind === "replace") {
        const replaced = await this.replaceSuspendedOrphan(target.namespace, request.agentId, adopted, status);
        if (!replaced.ok) return { kind: "refused", failure: replaced.failure };
      }
      const launched = await this.launch(request, target, serverPod, line);
      if (!launched.ok) return { kind: "failed", failure: launched.failure };
      say(`Job ${target.namespace}/${target.jobName} created`);
    }
    return { kind: "claimed", release: this.liveRuns.hold(target.namespace, target.jobName ?? "") };
  }

  /**
   * A suspended orphan never started claude (its server died mid-launch): waiting on it would only
   * time out, so it is deleted with its files and this run launches its own Job.
   */
  private async replaceSuspendedOrphan(
    namespace: string,
    agentId: string,
    orphan: AdoptableJob,
    status: StatusReporter,
  ): Promise<Result<unknown>> {
    await status.say(`replacing suspended Job ${namespace}/${orphan.jobName} of run ${orphan.runId}: it never started`);
    const removed = await this.cleanup.cleanUp(
      { namespace, jobName: orphan.jobName, files: orphan.paths },
      false,
      (whole) => void status.line(whole),
    );
    const jobLeft = removed.problems.find((problem) => problem.startsWith(`Job ${namespace}/${orphan.jobName} `));
    for (const problem of removed.problems) await status.say(`cleanup of replaced Job: ${problem}`);
    if (jobLeft === undefined) return ok(undefined);
    return fail(runFailure("k8s_concurrent_run_blocked", { agentId, job: orphan.jobName, detail: jobLeft }));
  }

  /** The server pod (image, volumes and env to inherit) and the run namespace. */
  private async locate(request: AgentRunRequest): Promise<Result<{ serverPod: Pod; namespace: string }>> {
    try {
      const serverPod = await this.serverPod.read();
      const namespace =
        request.config.namespace || serverPod.metadata.namespace || (await this.kubernetes.currentNamespace());
      return ok({ serverPod, namespace });
    } catch (error) {
      return fail(apiFailure(asApiError(error, "read the Paperclip server's own pod")));
    }
  }

  private async launch(
    request: AgentRunRequest,
    target: RunTarget,
    serverPod: Pod,
    line: (whole: string) => void,
  ): Promise<Result<unknown>> {
    const built = this.manifests.build({
      runId: request.runId,
      agentId: request.agentId,
      companyId: request.companyId,
      taskId: request.taskId,
      sessionKey: request.resumeSessionId,
      namespace: target.namespace,
      config: request.config,
      serverPod,
      paths: target.paths,
      workingDirectory: request.workingDirectory,
      claude: {
        resumeSessionId: request.resumeSessionId,
        freshSessionId: request.freshSessionId,
        appendSystemPromptFile: request.appendSystemPromptFile,
        addDirs: request.addDirs,
      },
      env: request.env,
      authToken: request.authToken,
      allowLoopbackApiUrl: request.allowLoopbackApiUrl,
      requiresApiUrl: request.requiresApiUrl,
    });
    if (!built.ok) return built;
    target.planned(built.value);
    const directories = await this.prompts.prepareDirectories(built.value.directories, request.config.dataMountPath);
    if (!directories.ok) return directories;
    const written = await this.prompts.write(target.paths, request.prompt, request.config.maxPromptBytes);
    if (!written.ok) return written;
    const launched = await this.launcher.launch(target.namespace, request, built.value, line);
    if (launched.ok) target.launched(launched.value.reference.name);
    return launched;
  }

  private async cancelJob(target: RunTarget, line: (whole: string) => void): Promise<RunFailure | null> {
    line(phaseLine(`cancel requested: deleting Job ${target.namespace}/${target.jobName}`));
    const deleted = await this.cleanup.deleteJob(target.namespace, target.jobName ?? "", line);
    return deleted.ok ? null : apiFailure(deleted.failure);
  }

  /**
   * A pod past the run's output caps would go on writing: its Job is deleted now, even when the
   * operator retains Jobs (its files are still kept then).
   */
  private async stopFloodingJob(target: RunTarget, line: (whole: string) => void): Promise<void> {
    line(phaseLine(`run output cap passed: deleting Job ${target.namespace}/${target.jobName}`));
    const deleted = await this.cleanup.deleteJob(target.namespace, target.jobName ?? "", line);
    if (!deleted.ok) line(phaseLine(`Job ${target.jobName} not deleted: ${describeApiError(deleted.failure)}`));
  }

  private async finish(
    request: AgentRunRequest,
    target: RunTarget,
    evidence: RunEvidence,
    status: StatusReporter,
  ): Promise<RunReport> {
    const outcome = evidence.classify(target.jobName, target.sessionId(request));
    const cleanup = await this.cleanup.cleanUp(
      target.cleanupTarget(),
      request.config.retainJobs,
      (whole) => void status.line(whole),
      () => this.pods.awaitStopped(target.namespace, target.jobName ?? "", POD_STOP_WAIT_MS),
    );
    for (const problem of cleanup.problems) await status.say(`cleanup: ${problem}`);
    for (const ignored of outcome.ignoredSessionIds) {
      await status.say(
        `ignored session id ${ignored} reported by the pod: this run's session is ${outcome.sessionId ?? "none"}`,
      );
    }
    if (outcome.exitCodeMismatch) {
      const { claimedByPod, container } = outcome.exitCodeMismatch;
      await status.say(`exit code mismatch: the pod's trailer claims ${claimedByPod}, Kubernetes reports ${container}`);
    }
    await status.say(cleanup.retained ? "retained the Job and its files (retainJobs)" : "cleaned up", "cleaned-up");
    return {
      outcome,
      namespace: target.namespace,
      jobName: target.jobName,
      reattachedFromRunId: target.reattachedFromRunId,
      tail: evidence.tail,
      cleanup,
    };
  }
}
