/**
 * The Job status transitions the Job controller (Kubernetes >= 1.31) makes, as pure functions over
 * a Job: Suspended at create, resumed, then SuccessCriteriaMet + Complete or FailureTarget +
 * Failed (BackoffLimitExceeded or DeadlineExceeded). Whether a Job has finished is the domain's
 * one reading of it (`finishedCondition`), so the simulations and the run agree by construction.
 */
import { finishedCondition } from "../../domain/cluster/run-objects.js";
import type { Job, JobCondition } from "../../ports/kubernetes-objects.js";

export type JobFailureReason = "BackoffLimitExceeded" | "DeadlineExceeded";

const FAILURE_MESSAGES: Record<JobFailureReason, string> = {
  BackoffLimitExceeded: "Job has reached the specified backoff limit",
  DeadlineExceeded: "Job was active longer than specified deadline",
};
const COMPLETED = "Reached expected number of succeeded pods";

function condition(type: string, at: string, reason?: string, message?: string, status = "True"): JobCondition {
  return { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastTransitionTime: at };
}

function setCondition(job: Job, next: JobCondition): void {
  const conditions = (job.status?.conditions ?? []).filter((c) => c.type !== next.type);
  job.status = { ...job.status, conditions: [...conditions, next] };
}

/** Complete=True or Failed=True: nothing more happens to the Job but its deletion. */
export function isJobFinished(job: Job): boolean {
  return finishedCondition(job) !== undefined;
}

/** When the Job finished (completionTime, else its final condition's time); undefined while it runs. */
export function finishedAt(job: Job): string | undefined {
  const end = finishedCondition(job);
  if (!end) return undefined;
  return job.status?.completionTime ?? end.lastTransitionTime;
}

export function markSuspended(job: Job, at: string): void {
  setCondition(job, condition("Suspended", at, "JobSuspended", "Job suspended"));
}

export function markStarted(job: Job, at: string): void {
  if (job.status?.conditions?.some((c) => c.type === "Suspended")) {
    setCondition(job, condition("Suspended", at, "JobResumed", "Job resumed", "False"));
  }
  job.status = { ...job.status, startTime: at, active: 1 };
}

export function markSucceeded(job: Job, at: string): void {
  setCondition(job, condition("SuccessCriteriaMet", at, "CompletionsReached", COMPLETED));
  setCondition(job, condition("Complete", at, "CompletionsReached", COMPLETED));
  job.status = { ...job.status, active: 0, succeeded: 1, completionTime: at };
}

/** The controller decided the Job fails; its pods are still being terminated. */
function markFailureTarget(job: Job, reason: JobFailureReason, at: string): void {
  setCondition(job, condition("FailureTarget", at, reason, FAILURE_MESSAGES[reason]));
}

/** The Job failed for good; `failed` is how many of its pods failed (1 unless it retried). */
export function markFailed(job: Job, reason: JobFailureReason, at: string, failed = 1): void {
  markFailureTarget(job, reason, at);
  setCondition(job, condition("Failed", at, reason, FAILURE_MESSAGES[reason]));
  job.status = { ...job.status, active: 0, failed };
}
