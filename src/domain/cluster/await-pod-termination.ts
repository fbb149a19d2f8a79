/**
 * Waits, on hub events, until the run is over: its main container terminated, its pod failed as a
 * whole (evicted), or the Job finished (Complete, or Failed e.g. DeadlineExceeded). Never hangs:
 * the whole wait is bounded by `maxWaitMs`. While the shared watch is down, and once at the start
 * if the watch has not seen the Job, it falls back on single GETs of the Job (transient errors
 * retried with backoff), so a dead watch cannot hide the end of the run.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { ContainerStateTerminated, Job, JobCondition, Pod } from "../../ports/kubernetes-objects.js";
import type { KubernetesApiError, KubernetesPort } from "../../ports/kubernetes-port.js";
import { runFailure, type RunFailure } from "../errors.js";
import { apiFailure } from "./api-failure.js";
import { backoffDelay, type BackoffBounds } from "./backoff.js";
import type { ClusterWatchHub, RunSnapshot } from "./cluster-watch-hub.js";
import type { RunJob } from "../run/run-phases.js";
import { settledSink, type StatusSink } from "../run/status-sink.js";
import { phaseLine } from "./phase-line.js";
import { retryTransient } from "./retry-transient.js";
import type { RunEventWaitControl } from "./run-event-wait.js";
import { waitOnRunEvents } from "./run-event-wait.js";
import { finishedCondition, mainContainerStatus } from "./run-objects.js";

export interface AwaitPodTerminationRequest extends RunJob {
  /** The bound on the whole wait, e.g. the run timeout plus grace. */
  readonly maxWaitMs: number;
  /** The container that runs claude; defaults to the pod's first container. */
  readonly containerName?: string;
  readonly signal?: AbortSignal;
  /** Hears one status line for the end of the pod and each fallback retry. */
  readonly status?: StatusSink;
  /** Retries of one fallback GET (defaults: 4 tries, 500 ms doubling to 5 s). */
  readonly readRetry?: { attempts: number; initialMs: number; maxMs: number };
  /** Pause between fallback GETs while the watch stays down (defaults: 2 s doubling to 30 s). */
  readonly fallbackIntervalMs?: BackoffBounds;
  /** A GET of the Job after this long without an event for the run (a silently stalled watch). */
  readonly quietMs?: number;
}

export type PodTerminationOutcome =
  | {
      kind: "ended";
      podName: string | null;
      /** The main container's terminated state, when the pod reported it. */
      container: ContainerStateTerminated | null;
      /** The Job's Complete/Failed condition, when the Job reported it. */
      jobCondition: JobCondition | null;
      /** One line for humans: how it ended. */
      detail: string;
    }
  | { kind: "cancelled" }
  | { kind: "failed"; failure: RunFailure };

const DEFAULT_READ_RETRY = { attempts: 4, initialMs: 500, maxMs: 5_000 };
const DEFAULT_FALLBACK_INTERVAL: BackoffBounds = { initial: 2_000, max: 30_000 };

export function awaitPodTermination(
  hub: ClusterWatchHub,
  kubernetes: KubernetesPort,
  clock: ClockPort,
  request: AwaitPodTerminationRequest,
): Promise<PodTerminationOutcome> {
  const status = settledSink(request.status);
  const say = (text: string) => void status(phaseLine(text));
  let lastReadError: KubernetesApiError | undefined;
  let fallbackRunning = false;
  let lastState = "pod running";

  const verdictFrom = (job: Job | null, pod: Pod | null, jobSeen: boolean): PodTerminationOutcome | undefined => {
    const terminated = pod ? (mainContainerStatus(pod, request.containerName)?.state?.terminated ?? null) : null;
    const condition = finishedCondition(job) ?? null;
    const podEnded = pod?.status?.phase === "Failed" || pod?.status?.phase === "Succeeded";
    if (terminated || condition || podEnded) {
      const outcome = ended(pod, terminated, condition);
      say(outcome.detail);
      return outcome;
    }
    if (job === null && jobSeen) return jobDeleted(request.jobName);
    if (pod) lastState = `pod ${pod.metadata.name ?? "?"} ${pod.status?.phase ?? "Pending"}`;
    return undefined;
  };

  /** One GET of the Job; a verdict when it shows the end, undefined when it does not (or failed). */
  const readOnce = async (control: RunEventWaitControl<PodTerminationOutcome>) => {
    const result = await retryTransient(clock, () => kubernetes.readJob(request.namespace, request.jobName), {
      ...(request.readRetry ?? DEFAULT_READ_RETRY),
      status,
      signal: control.ended,
    });
    if (control.ended.aborted) return;
    if (!result.ok) {
      lastReadError = result.failure;
      return;
    }
    lastReadError = undefined;
    const { pod } = hub.snapshot(request.namespace, request.jobName);
    // A GET that finds nothing is authoritative: the Job is gone.
    const verdict = verdictFrom(result.value, pod, true);
    if (verdict) control.finish(verdict);
  };

  const fallbackWhileUnhealthy = async (control: RunEventWaitControl<PodTerminationOutcome>) => {
    if (fallbackRunning) return;
    fallbackRunning = true;
    const interval = request.fallbackIntervalMs ?? DEFAULT_FALLBACK_INTERVAL;
    for (let round = 1; !control.ended.aborted && !hub.isHealthy(request.namespace); round++) {
      await readOnce(control);
      if ((await clock.sleep(backoffDelay(interval, round), control.ended)) === "aborted") break;
    }
    fallbackRunning = false;
  };

  let startChecked = false;
  return waitOnRunEvents<PodTerminationOutcome>(
    hub,
    clock,
    { ...request, budgetMs: request.maxWaitMs },
    {
      evaluate: ({ job, pod, jobSeen }, control) => {
        if (!startChecked) {
          startChecked = true;
          // The watch may not have the Job (yet, or ever: it ended before we subscribed): ask once.
          if (job === null && !jobSeen) void readOnce(control);
        }
        return verdictFrom(job, pod, jobSeen);
      },
      onWatchHealth: (healthy, control) => {
        if (!healthy) void fallbackWhileUnhealthy(control);
      },
      expired: (snapshot: RunSnapshot) => {
        const failure = lastReadError
          ? apiFailure(lastReadError)
          : runFailure("k8s_pod_end_wait_expired", {
              job: request.jobName,
              seconds: Math.round(request.maxWaitMs / 1000),
              detail: snapshot.pod || snapshot.job ? lastState : "the watch saw neither the Job nor its pod",
            });
        say(failure.errorMessage);
        return { kind: "failed", failure };
      },
      cancelled: () => ({ kind: "cancelled" }),
      onQuiet: (control) => readOnce(control),
    },
  );
}

function ended(
  pod: Pod | null,
  container: ContainerStateTerminated | null,
  jobCondition: JobCondition | null,
): PodTerminationOutcome & { kind: "ended" } {
  const podName = pod?.metadata.name ?? null;
  const parts: string[] = [];
  if (container) {
    const how = container.reason ? ` (${container.reason})` : "";
    parts.push(`pod ${podName ?? "?"} ended: its container exited with code ${container.exitCode}${how}`);
  } else if (pod?.status?.phase === "Failed" || pod?.status?.phase === "Succeeded") {
    const why = [pod.status.reason, pod.status.message].filter(Boolean).join(": ");
    parts.push(`pod ${podName ?? "?"} ended ${pod.status.phase}${why ? `: ${why}` : ""}`);
  }
  if (jobCondition) {
    const why = [jobCondition.reason, jobCondition.message].filter(Boolean).join(": ");
    parts.push(`Job ${jobCondition.type === "Complete" ? "completed" : "failed"}${why ? `: ${why}` : ""}`);
  }
  return { kind: "ended", podName, container, jobCondition, detail: parts.join("; ") };
}

function jobDeleted(jobName: string): PodTerminationOutcome {
  return { kind: "failed", failure: runFailure("k8s_job_deleted_externally", { job: jobName }) };
}
