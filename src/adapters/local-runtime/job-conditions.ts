/**
 * The Job status transitions the Job controller (Kubernetes >= 1.31) makes, as pure functions over
 * a Job: Suspended at create, resumed, then SuccessCriteriaMet + Complete or FailureTarget +
 * Failed (BackoffLimitExceeded or DeadlineExceeded).
 */
import type { Job, JobCondition } from "../../ports/kubernetes-objects.js";

export type JobFailureReason = "BackoffLimitExceeded" | "DeadlineExceeded";

const FAILURE_MESSAGES: Record<JobFailureReason, string> = {
  BackoffLimitExceeded: "Job has reached the specified backoff limit",
  DeadlineExceeded: "Job was active longer than specified deadline",
};

function condition(type: string, at: string, reason?: string, message?: string, status = "True"): JobCondition {
  return { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastTransitionTime: at };
}

function setCondition(job: Job, next: JobCondition): void {
  const conditions = (job.status?.conditions ?? []).filter((c) => c.type !== next.type);
  job.status = { ...job.status, conditions: [...conditions, next] };
}

export function isJobFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  );
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
  setCondition(
    job,
    condition("SuccessCriteriaMet", at, "CompletionsReached", "Reached expected number of succeeded pods"),
  );
  setCondition(job, condition("Complete", at, "CompletionsReached", "Reached expected number of succeeded pods"));
  job.status = { ...job.status, active: 0, succeeded: 1, completionTime: at };
}

/** The controller decided the Job fails; its pods are still being terminated. */
export function markFailureTarget(job: Job, reason: JobFailureReason, at: string): void {
  setCondition(job, condition("FailureTarget", at, reason, FAILURE_MESSAGES[reason]));
}

export function markFailed(job: Job, reason: JobFailureReason, at: string): void {
  markFailureTarget(job, reason, at);
  setCondition(job, condition("Failed", at, reason, FAILURE_MESSAGES[reason]));
  job.status = { ...job.status, active: 0, failed: 1 };
}
