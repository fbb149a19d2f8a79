/**
 * One running Job per agent. Before launching, the guard lists the agent's Jobs: a still-running
 * Job of THIS run (a retried execute) or, after a server restart, an orphan working on the same
 * task and session is adopted — the run follows THAT Job's own files. Their paths are recomputed from
 * the ids (this agent's company and agent, the orphan's validated run id) and the server's run-log
 * root: annotations are written by whoever can edit a Job, so they never decide what is read or deleted.
 * Anything else running for the agent blocks the run with a named error. A failed list fails
 * closed: launching blind could start a second writer.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job } from "../../ports/kubernetes-objects.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { apiFailure } from "../cluster/api-failure.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import {
  ANNOTATION_KEYS,
  LABEL_KEYS,
  agentRunsSelector,
  readRunAnnotations,
  sanitizeLabelValue,
} from "../job/job-labels.js";
import { isSafePathComponent, runFilePaths, type RunFilePaths } from "../run-log-paths.js";
import type { AgentRunRequest } from "./agent-run-request.js";
import { retryRunCall } from "./api-retry.js";

export type GuardDecision =
  | { readonly kind: "launch" }
  | {
      readonly kind: "adopt";
      readonly jobName: string;
      readonly runId: string;
      readonly paths: RunFilePaths;
      /** The Claude session the adopted Job was launched with (its annotation; a UUID or null). */
      readonly sessionId: string | null;
    };

export class ConcurrencyGuard {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
  ) {}

  async decide(
    namespace: string,
    request: AgentRunRequest,
    log: (line: string) => void,
  ): Promise<Result<GuardDecision>> {
    const listed = await retryRunCall(
      this.clock,
      () => this.kubernetes.listJobs(namespace, agentRunsSelector(request.agentId)),
      log,
    );
    if (!listed.ok) return fail(apiFailure(listed.failure));

    const running = listed.value.filter(isStillRunning).sort(newestFirst);
    const own = running.find((job) => readRunAnnotations(job)?.runId === request.runId);
    if (own) return ok(adoption(own, request, request.runId));
    const [orphan] = running;
    if (!orphan) return ok({ kind: "launch" });

    const blocked = (why: string) =>
      fail(
        runFailure("k8s_concurrent_run_blocked", { agentId: request.agentId, job: orphan.metadata.name, detail: why }),
      );
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
    return ok(adoption(orphan, request, orphanRunId));
  }
}

const SESSION_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The adopted Job's files, recomputed from the ids under the server's run-log root. */
function adoption(job: Job, request: AgentRunRequest, runId: string): GuardDecision {
  const paths = runFilePaths(request.runLogRoot, { companyId: request.companyId, agentId: request.agentId, runId });
  const session = job.metadata.annotations?.[ANNOTATION_KEYS.claudeSessionId] ?? "";
  const sessionId = SESSION_UUID.test(session) ? session : null;
  return { kind: "adopt", jobName: job.metadata.name ?? "", runId, paths, sessionId };
}

/**
 * The Job's run id when it is a safe path component and agrees with the run-id label the adapter
 * wrote beside it; null otherwise (a hand-edited or foreign Job is not adopted).
 */
function validatedRunId(job: Job): string | null {
  const runId = job.metadata.annotations?.[ANNOTATION_KEYS.runId];
  if (!runId || !isSafePathComponent(runId)) return null;
  return job.metadata.labels?.[LABEL_KEYS.runId] === sanitizeLabelValue(runId) ? runId : null;
}

function isStillRunning(job: Job): boolean {
  if (job.metadata.deletionTimestamp) return false;
  return !(job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
}

function newestFirst(a: Job, b: Job): number {
  return (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "");
}
