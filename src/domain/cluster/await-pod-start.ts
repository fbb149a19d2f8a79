/**
 * Waits, on hub events, until the run's pod runs (or has already finished), fails to start, or
 * the start budget expires. Writes one `[claude-k8s]` line per phase for the run's log.
 *
 * Unschedulable is held, not failed at once: a cluster autoscaler may be adding a node, and
 * failing then would make scale-from-zero clusters unusable. The scheduler's message is logged as
 * soon as it appears; the run fails with k8s_unschedulable once `unschedulableGraceMs` (default:
 * the whole budget) has passed while the pod is still unschedulable.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Pod } from "../../ports/kubernetes-objects.js";
import { runFailure, type RunFailure } from "../errors.js";
import type { ClusterWatchHub, RunSnapshot } from "./cluster-watch-hub.js";
import { settledSink, type StatusSink } from "../run/status-sink.js";
import { phaseLine } from "./phase-line.js";
import { diagnosePodStart } from "./pod-start-diagnosis.js";
import { waitOnRunEvents, type RunEventWaitTarget } from "./run-event-wait.js";

export interface AwaitPodStartRequest extends RunEventWaitTarget {
  /** Hears one status line per phase of the pod's start. */
  readonly status?: StatusSink;
  /** How long an unschedulable pod may wait for capacity; defaults to the whole budget. */
  readonly unschedulableGraceMs?: number;
  /** Reads the Job and its pod with GETs: used when the watch has been quiet for `quietMs`. */
  readonly probe?: () => Promise<RunSnapshot | null>;
}

export type PodStartOutcome =
  | { kind: "running"; podName: string; nodeName: string | null }
  /** The pod (or the Job) already ended: go straight to collecting the outcome. */
  | { kind: "terminated"; podName: string | null }
  | { kind: "cancelled" }
  | { kind: "failed"; failure: RunFailure };

export function awaitPodStart(
  hub: ClusterWatchHub,
  clock: ClockPort,
  request: AwaitPodStartRequest,
): Promise<PodStartOutcome> {
  const status = settledSink(request.status);
  const say = (text: string) => void status(phaseLine(text));
  const graceMs = Math.min(request.unschedulableGraceMs ?? request.budgetMs, request.budgetMs);
  let scheduledOn: string | undefined;
  let unschedulable: { since: number; failure: RunFailure } | undefined;
  let lastState = "Job not observed yet";

  return waitOnRunEvents<PodStartOutcome>(hub, clock, request, {
    evaluate: ({ job, pod, jobSeen }, control) => {
      if (job === null && jobSeen) return jobDeleted(request.jobName);
      if (pod?.spec.nodeName && pod.spec.nodeName !== scheduledOn) {
        scheduledOn = pod.spec.nodeName;
        say(`pod ${pod.metadata.name ?? "?"} scheduled on node ${scheduledOn}`);
      }
      const state = diagnosePodStart(pod, job);
      if (state.kind === "failed" && state.failure.errorCode === "k8s_unschedulable") {
        if (!unschedulable) {
          unschedulable = { since: clock.monotonicMs(), failure: state.failure };
          say(`${state.failure.errorMessage} Waiting up to ${seconds(graceMs)} s for capacity.`);
          if (graceMs < request.budgetMs) control.recheckAfter(graceMs);
        } else {
          unschedulable.failure = state.failure;
        }
        lastState = `unschedulable: ${String(state.failure.details.detail)}`;
        return clock.monotonicMs() - unschedulable.since >= graceMs
          ? { kind: "failed", failure: state.failure }
          : undefined;
      }
      unschedulable = undefined;
      switch (state.kind) {
        case "failed":
          say(state.failure.errorMessage);
          return state;
        case "running":
          say(`pod ${pod?.metadata.name ?? "?"} running${state.nodeName ? ` on node ${state.nodeName}` : ""}`);
          return { kind: "running", podName: pod?.metadata.name ?? "?", nodeName: state.nodeName };
        case "terminated":
          say(`${pod ? `pod ${pod.metadata.name ?? "?"}` : `Job ${request.jobName}`} ended before it was seen running`);
          return { kind: "terminated", podName: pod?.metadata.name ?? null };
        case "waiting":
          lastState = state.detail;
          return undefined;
      }
    },
    expired: (snapshot) => {
      if (unschedulable) return { kind: "failed", failure: unschedulable.failure };
      const failure = runFailure("k8s_pod_start_timeout", {
        job: request.jobName,
        seconds: seconds(request.budgetMs),
        detail: withHint(lastState, snapshot, request.namespace, hub.isHealthy(request.namespace)),
      });
      // Not said here: the caller may still find the pod with a GET before it reports the timeout.
      return { kind: "failed", failure };
    },
    cancelled: () => ({ kind: "cancelled" }),
    onQuiet: async (control) => {
      const seen = request.probe ? await request.probe() : null;
      if (!seen || control.ended.aborted) return;
      const state = diagnosePodStart(seen.pod, seen.job);
      if (state.kind === "running" || state.kind === "terminated") {
        say(`the watch was quiet; a GET shows the pod ${state.kind === "running" ? "running" : "already ended"}`);
        control.finish(
          state.kind === "running"
            ? { kind: "running", podName: seen.pod?.metadata.name ?? "?", nodeName: state.nodeName }
            : { kind: "terminated", podName: seen.pod?.metadata.name ?? null },
        );
      }
    },
  });
}

function jobDeleted(jobName: string): PodStartOutcome {
  return { kind: "failed", failure: runFailure("k8s_job_deleted_externally", { job: jobName }) };
}

/** Where to look next: the pod's events hold what its status cannot (FailedMount, quota, …). */
function withHint(state: string, snapshot: RunSnapshot, namespace: string, watchHealthy: boolean): string {
  if (!watchHealthy)
    return `${state}; the cluster watch was failing at the time (see the server log), so this may be stale`;
  const pod: Pod | null = snapshot.pod;
  if (pod?.metadata.name) return `${state}; see kubectl describe pod ${pod.metadata.name} -n ${namespace}`;
  if (!snapshot.jobSeen)
    return `${state}; the watch never saw the Job (check it exists and carries the adapter's labels)`;
  return `${state}; see kubectl describe job ${snapshot.job?.metadata.name ?? "?"} -n ${namespace}`;
}

const seconds = (ms: number): number => Math.round(ms / 1000);
