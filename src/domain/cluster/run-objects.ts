/**
 * Reading a run's Job and pods: which pod is the run's current one, its main container, and
 * whether the Job has finished. Pure helpers shared by the hub and the waiters.
 */
import type { ContainerStatus, Job, JobCondition, ObjectMeta, Pod } from "../../ports/kubernetes-objects.js";

/** The Job controller labels its pods with both keys (the short one on older clusters only). */
const JOB_NAME_LABELS = ["batch.kubernetes.io/job-name", "job-name"] as const;

export function jobNameOfPod(pod: Pod): string | undefined {
  for (const key of JOB_NAME_LABELS) {
    const value = pod.metadata.labels?.[key];
    if (value) return value;
  }
  return undefined;
}

/**
 * A Job can own several pods over its life (a retry, a replacement after eviction): the run's
 * pod is the newest one that is not being deleted, else the newest one.
 */
export function pickCurrentPod(pods: Iterable<Pod>): Pod | null {
  let best: Pod | null = null;
  for (const pod of pods) {
    if (best === null || ranksAbove(pod, best)) best = pod;
  }
  return best;
}

function ranksAbove(candidate: Pod, current: Pod): boolean {
  const candidateLive = candidate.metadata.deletionTimestamp === undefined;
  const currentLive = current.metadata.deletionTimestamp === undefined;
  if (candidateLive !== currentLive) return candidateLive;
  // ISO-8601 timestamps in UTC order lexicographically; ties keep the later-seen pod.
  return (candidate.metadata.creationTimestamp ?? "") >= (current.metadata.creationTimestamp ?? "");
}

/** The container that runs claude: the named one, else the first in the spec. */
export function mainContainerStatus(pod: Pod, containerName?: string): ContainerStatus | undefined {
  const name = containerName ?? pod.spec.containers[0]?.name;
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.find((status) => status.name === name) ?? (name === undefined ? statuses[0] : undefined);
}

/** Complete=True or Failed=True: the Job controller's final word. */
export function finishedCondition(job: Job | null): JobCondition | undefined {
  return job?.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");
}

export function podName(pod: Pod | null): string {
  return pod?.metadata.name ?? "?";
}

/**
 * The name of an object the API server returned. The server always sets it (only an object still
 * being built lacks one), so the type's optional name is answered here, once: an empty name can only
 * come from a broken server, and matches no run.
 */
export function storedName(object: { readonly metadata: ObjectMeta }): string {
  return object.metadata.name ?? "";
}
