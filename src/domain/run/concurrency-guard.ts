/**
 * One running Job per agent. Before launching, the guard lists the agent's Jobs: a Job of THIS run
 * (a retried execute) or, after a server restart, an orphan working on the same task and session is
 * adopted — the run follows THAT Job's own files. An orphan still suspended never started claude
 * (its server died mid-launch): it is replaced, not waited on. An orphan that already FINISHED, of
 * the same task and launched from the same session, is harvested: its transcript is replayed and
 * its outcome reported instead of running claude again (only with retainJobs off, where a finished
 * Job that still exists is one whose run never got to clean up). Paths are recomputed from
 * the ids (this agent's company and agent, the orphan's validated run id) and the server's run-log
 * root: annotations are written by whoever can edit a Job, so they never decide what is read or deleted.
 * Anything else running for the agent blocks the run with a named error. A failed list fails
 * closed: launching blind could start a second writer.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job } from "../../ports/kubernetes-objects.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { apiFailure } from "../cluster/api-failure.js";
import { finishedCondition, storedName } from "../cluster/run-objects.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import { ANNOTATION_KEYS, agentRunsSelector, readRunAnnotations, validatedRunId } from "../job/job-labels.js";
import { runFilePaths, type RunFilePaths } from "../run-log-paths.js";
import { isSessionUuid } from "../safe-id.js";
import type { AgentRunRequest } from "./agent-run-request.js";
import { retryRunCall } from "./api-retry.js";
import { LiveRuns } from "./live-runs.js";
import type { PlacedRun, RunScope } from "./run-phases.js";

export interface AdoptableJob {
  readonly jobName: string;
  readonly runId: string;
  readonly paths: RunFilePaths;
  /** The Claude session the Job was launched with (its annotation; a UUID or null). */
  readonly sessionId: string | null;
}

export type GuardDecision =
  | { readonly kind: "launch" }
  /** Follow this Job (running, or finished and harvested) instead of launching. */
  | ({ readonly kind: "adopt"; readonly finished: boolean } & AdoptableJob)
  /** A suspended orphan of the same task: delete it and its files, then launch. */
  | ({ readonly kind: "replace" } & AdoptableJob);

export class ConcurrencyGuard {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
    /** Jobs a live run of this process follows are never adopted by another. */
    private readonly liveRuns: LiveRuns = new LiveRuns(),
  ) {}

  async decide(
    { namespace }: Pick<PlacedRun, "namespace">,
    request: AgentRunRequest,
    { status }: Pick<RunScope, "status">,
  ): Promise<Result<GuardDecision>> {
    const listed = await retryRunCall(
      this.clock,
      () => this.kubernetes.listJobs(namespace, agentRunsSelector(request.agentId)),
      status,
    );
    if (!listed.ok) return fail(apiFailure(listed.failure));

    const present = listed.value.filter((job) => !job.metadata.deletionTimestamp).sort(newestFirst);
    const own = present.find((job) => readRunAnnotations(job)?.runId === request.runId);
    if (own) return ok(adoption(own, request, request.runId));
    const [orphan] = present.filter((job) => !finishedCondition(job));
    if (!orphan) return ok(this.harvestable(present, request, namespace) ?? { kind: "launch" });

    const blocked = (why: string) =>
      fail(
        runFailure("k8s_concurrent_run_blocked", { agentId: request.agentId, job: orphan.metadata.name, detail: why }),
      );
    if (this.liveRuns.holds(namespace, storedName(orphan))) return blocked("a live run of this server follows it");
    if (!request.config.reattachOrphanedJobs) return blocked("reattachOrphanedJobs is off");
    const annotations = orphan.metadata.annotations ?? {};
    const orphanTask = annotations[ANNOTATION_KEYS.taskId] ?? null;
    if (!orphanTask || !request.taskId || orphanTask !== request.taskId) {
      return blocked(`it works on task ${orphanTask ?? "(none)"}, this run on ${request.taskId ?? "(none)"}`);
    }
    const orphanSession = annotations[ANNOTATION_KEYS.sessionId] ?? null;
    if (orphanSession && request.resumeSessionId && orphanSession !== request.resumeSessionId) {
      return blocked(`it runs session ${orphanSession}, this run resumes ${request.resumeSessionId}`);
    }
    const orphanRunId = validatedRunId(orphan);
    if (orphanRunId === null) return blocked("it carries no valid run id to recompute its file paths from");
    const decision = adoption(orphan, request, orphanRunId);
    return ok(orphan.spec.suspend === true ? { ...decision, kind: "replace" } : decision);
  }

  /**
   * The newest finished orphan of this task launched from the same session (this run is its
   * re-queue), or null. With retainJobs on, finished Jobs are kept on purpose and never harvested.
   */
  private harvestable(present: readonly Job[], request: AgentRunRequest, namespace: string): GuardDecision | null {
    if (!request.config.reattachOrphanedJobs || request.config.retainJobs || !request.taskId) return null;
    for (const job of present) {
      if (this.liveRuns.holds(namespace, storedName(job))) continue;
      const annotations = job.metadata.annotations ?? {};
      if (annotations[ANNOTATION_KEYS.taskId] !== request.taskId) continue;
      if ((annotations[ANNOTATION_KEYS.sessionId] ?? null) !== request.resumeSessionId) continue;
      const runId = validatedRunId(job);
      if (runId !== null) return { ...adoption(job, request, runId), finished: true };
    }
    return null;
  }
}

/** The adopted Job's files, recomputed from the ids under the server's run-log root. */
function adoption(job: Job, request: AgentRunRequest, runId: string): GuardDecision & { kind: "adopt" } {
  const paths = runFilePaths(request.runLogRoot, { tenantId: request.tenantId, agentId: request.agentId, runId });
  const session = job.metadata.annotations?.[ANNOTATION_KEYS.claudeSessionId] ?? "";
  const sessionId = isSessionUuid(session) ? session : null;
  return {
    kind: "adopt",
    finished: finishedCondition(job) !== undefined,
    jobName: storedName(job),
    runId,
    paths,
    sessionId,
  };
}

function newestFirst(a: Job, b: Job): number {
  return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
}
