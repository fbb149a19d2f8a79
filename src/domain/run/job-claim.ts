/**
 * Decides which Job a run follows — its own new Job, or an orphan it adopts or harvests (a suspended
 * orphan is replaced) — and marks that Job held by a live run before the next claim of the agent
 * may look.
 */
import { phaseLine } from "../cluster/phase-line.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import type { JobRunSpec, RunManifests } from "../job/job-manifest-factory.js";
import type { AgentRunRequest } from "./agent-run-request.js";
import type { AdoptableJob, GuardDecision } from "./concurrency-guard.js";
import type { RunServices } from "./run.js";
import type { Claim, ClaimedRun, PlacedRun, RunScope } from "./run-phases.js";

export class JobClaim {
  constructor(
    private readonly services: RunServices,
    private readonly request: AgentRunRequest,
    private readonly scope: RunScope,
  ) {}

  /** `cancelled`: true once the operator cancelled; nothing is launched after that. */
  async claim(placed: PlacedRun, cancelled: () => boolean): Promise<Claim> {
    const { namespace } = placed;
    const decision = await this.services.guard.decide(placed, this.request, this.scope);
    if (!decision.ok) return { kind: "refused", failure: decision.failure };
    if (cancelled()) return { kind: "cancelled" };
    const found = decision.value;
    if (found.kind === "adopt") return this.claimed(this.adopt(namespace, found));
    if (found.kind === "replace") {
      const replaced = await this.replaceSuspendedOrphan(namespace, found);
      if (!replaced.ok) return { kind: "refused", failure: replaced.failure };
    }
    const launched = await this.launch(placed);
    if (!launched.ok) return { kind: "failed", failure: launched.failure };
    void this.scope.status(phaseLine(`Job ${namespace}/${launched.value.jobName} created`));
    return this.claimed(launched.value);
  }

  private claimed(run: ClaimedRun): Claim {
    return { kind: "claimed", run, release: this.services.liveRuns.hold(run.namespace, run.jobName) };
  }

  private adopt(namespace: string, orphan: GuardDecision & { kind: "adopt" }): ClaimedRun {
    void this.scope.status(
      phaseLine(
        orphan.finished
          ? `harvesting finished Job ${namespace}/${orphan.jobName} of run ${orphan.runId}: its transcript is replayed and claude is not run again`
          : `reattached to running Job ${namespace}/${orphan.jobName} of run ${orphan.runId}`,
      ),
    );
    return {
      namespace,
      jobName: orphan.jobName,
      paths: orphan.paths,
      reattachedFromRunId: orphan.runId,
      sessionId: orphan.sessionId ?? this.request.resumeSessionId,
      launch: {
        namespace,
        jobName: orphan.jobName,
        reattachedFromRunId: orphan.runId,
        command: [],
        image: null,
        promptBytes: 0,
      },
    };
  }

  /**
   * A suspended orphan never started claude (its server died mid-launch): waiting on it would only
   * time out, so it is deleted with its files and this run launches its own Job.
   */
  private async replaceSuspendedOrphan(namespace: string, orphan: AdoptableJob): Promise<Result<unknown>> {
    await this.scope.status(
      phaseLine(`replacing suspended Job ${namespace}/${orphan.jobName} of run ${orphan.runId}: it never started`),
    );
    const removed = await this.services.cleanup.cleanUp(
      { namespace, jobName: orphan.jobName, files: orphan.paths },
      false,
      this.scope.status,
    );
    const jobLeft = removed.problems.find((problem) => problem.startsWith(`Job ${namespace}/${orphan.jobName} `));
    for (const problem of removed.problems) await this.scope.status(phaseLine(`cleanup of replaced Job: ${problem}`));
    if (jobLeft === undefined) return ok(undefined);
    return fail(
      runFailure("k8s_concurrent_run_blocked", { agentId: this.request.agentId, job: orphan.jobName, detail: jobLeft }),
    );
  }

  private async launch(placed: PlacedRun): Promise<Result<ClaimedRun>> {
    const { request, services } = this;
    const built = services.manifests.build(jobRunSpec(request, placed));
    if (!built.ok) return built;
    const directories = await services.prompts.prepareDirectories(
      built.value.directories,
      request.config.dataMountPath,
    );
    if (!directories.ok) return directories;
    const written = await services.prompts.write(placed.paths, request.prompt, request.config.maxPromptBytes);
    if (!written.ok) return written;
    const launched = await services.launcher.launch(placed, built.value, this.scope);
    if (!launched.ok) return launched;
    return ok(this.launched(placed, launched.value.reference.name, built.value));
  }

  private launched(placed: PlacedRun, jobName: string, manifests: RunManifests): ClaimedRun {
    const { namespace } = placed;
    return {
      namespace,
      jobName,
      paths: placed.paths,
      reattachedFromRunId: null,
      sessionId: this.request.resumeSessionId ?? this.request.freshSessionId,
      launch: {
        namespace,
        jobName,
        reattachedFromRunId: null,
        command: manifests.command,
        image: manifests.job.spec.template.spec.containers[0]?.image ?? null,
        promptBytes: placed.promptBytes,
      },
    };
  }
}

/** The request, placed: what the Job's manifests are built from. */
function jobRunSpec(request: AgentRunRequest, placed: PlacedRun): JobRunSpec {
  const { namespace, serverPod, paths } = placed;
  return { ...request, namespace, serverPod, paths, sessionKey: request.resumeSessionId, claude: request };
}
