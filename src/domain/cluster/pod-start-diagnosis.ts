/**
 * Classifies a run's pod while it starts: still waiting (and on what), running, already over, or
 * failed in a way that will not fix itself (image, init container, volume, container creation,
 * scheduling). Pure: the waiters call it on every watch event.
 *
 * Unschedulable is reported as a failure here; because a cluster autoscaler may still add a node,
 * `awaitPodStart` holds that verdict until its grace (by default the whole start budget) expires.
 */
import type { ContainerStatus, Job, Pod } from "../../ports/kubernetes-objects.js";
import { runFailure, type RunFailure } from "../errors.js";
import { finishedCondition, podName } from "./run-objects.js";

export type PodStartState =
  | { kind: "waiting"; detail: string }
  | { kind: "running"; nodeName: string | null }
  | { kind: "terminated" }
  | { kind: "failed"; failure: RunFailure };

const IMAGE_PULL_REASONS = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"]);
/** Kubelet cannot build the container: a missing Secret/ConfigMap (key) or a mount it cannot set up. */
const CONFIG_REASONS = new Set(["CreateContainerConfigError"]);
const CREATE_REASONS = new Set(["CreateContainerError", "RunContainerError"]);
const MOUNT_WORDS = /mount|volume|subpath|persistentvolumeclaim/i;

export function diagnosePodStart(pod: Pod | null, job: Job | null): PodStartState {
  if (pod === null) return withoutPod(job);
  const failure = initContainerFailure(pod) ?? schedulingFailure(pod) ?? containerFailure(pod);
  if (failure) return { kind: "failed", failure };

  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return { kind: "terminated" };
  const statuses = pod.status?.containerStatuses ?? [];
  // CrashLoopBackOff means it ran and exited: its output and exit code belong to the end of the run.
  if (statuses.some((s) => s.state?.terminated || s.state?.waiting?.reason === "CrashLoopBackOff")) {
    return { kind: "terminated" };
  }
  if (finishedCondition(job)) return { kind: "terminated" };
  if (phase === "Running" || statuses.some((s) => s.state?.running)) {
    return { kind: "running", nodeName: pod.spec.nodeName ?? null };
  }
  return { kind: "waiting", detail: describeWaiting(pod) };
}

function withoutPod(job: Job | null): PodStartState {
  if (job === null) return { kind: "waiting", detail: "Job not observed yet" };
  // A Job that ended without a pod (deadline hit while pending, pod deleted): nothing will start.
  if (finishedCondition(job)) return { kind: "terminated" };
  if (job.spec.suspend === true) return { kind: "waiting", detail: "Job is still suspended" };
  return { kind: "waiting", detail: "Job controller has not created the pod yet" };
}

function initContainerFailure(pod: Pod): RunFailure | undefined {
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const terminated = status.state?.terminated;
    if (terminated && terminated.exitCode !== 0) {
      return runFailure("k8s_init_container_failed", {
        pod: podName(pod),
        container: status.name,
        exitCode: terminated.exitCode,
        reason: terminated.reason,
        detail: joinDetail(`exit code ${terminated.exitCode}`, terminated.reason, terminated.message),
      });
    }
    const failure = waitingFailure(pod, status, pod.spec.initContainers);
    if (failure) return failure;
  }
  return undefined;
}

function schedulingFailure(pod: Pod): RunFailure | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status !== "False" || scheduled.reason !== "Unschedulable") return undefined;
  const message = scheduled.message ?? "no scheduler message";
  // A missing claim never heals by waiting; the scheduler reports it as Unschedulable.
  if (/persistentvolumeclaim "[^"]*" not found/i.test(message)) {
    return runFailure("k8s_volume_mount_failed", { pod: podName(pod), reason: "Unschedulable", detail: message });
  }
  return runFailure("k8s_unschedulable", { pod: podName(pod), reason: scheduled.reason, detail: message });
}

function containerFailure(pod: Pod): RunFailure | undefined {
  for (const status of pod.status?.containerStatuses ?? []) {
    const failure = waitingFailure(pod, status, pod.spec.containers);
    if (failure) return failure;
  }
  return undefined;
}

function waitingFailure(
  pod: Pod,
  status: ContainerStatus,
  specs: Pod["spec"]["containers"] | undefined,
): RunFailure | undefined {
  const reason = status.state?.waiting?.reason;
  if (reason === undefined) return undefined;
  const message = status.state?.waiting?.message || "no message from the kubelet";
  const details = { pod: podName(pod), container: status.name, reason };
  if (IMAGE_PULL_REASONS.has(reason)) {
    const image = specs?.find((c) => c.name === status.name)?.image ?? status.image;
    return runFailure("k8s_image_pull_failed", { ...details, image, detail: message });
  }
  if (CONFIG_REASONS.has(reason) || (CREATE_REASONS.has(reason) && MOUNT_WORDS.test(message))) {
    return runFailure("k8s_volume_mount_failed", { ...details, detail: `${reason}: ${message}` });
  }
  if (CREATE_REASONS.has(reason)) return runFailure("k8s_container_create_failed", { ...details, detail: message });
  return undefined;
}

/** "Pending: ContainerCreating on node-a" — the last state a start timeout names. */
export function describeWaiting(pod: Pod): string {
  const parts: string[] = [pod.status?.phase ?? "Pending"];
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => s.state?.waiting)
    .find((w) => w?.reason);
  if (waiting?.reason) parts.push(joinDetail(waiting.reason, waiting.message));
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (pod.spec.nodeName) parts.push(`on node ${pod.spec.nodeName}`);
  else if (scheduled?.status === "False")
    parts.push(joinDetail(`not scheduled (${scheduled.reason ?? "?"})`, scheduled.message));
  else parts.push("not scheduled yet");
  return `pod ${podName(pod)} ${parts.join(", ")}`;
}

function joinDetail(...parts: Array<string | undefined>): string {
  return parts.filter((p) => p !== undefined && p !== "").join(": ");
}
