/**
 * The run's view of its pod through the shared cluster watch: wait for it to start (bounded by the
 * start budget), then for it to end (bounded by the run's timeout plus grace). One watch
 * subscription is held for the whole run so the shared watches never stop between the two waits.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { awaitPodStart } from "../cluster/await-pod-start.js";
import { awaitPodTermination } from "../cluster/await-pod-termination.js";
import type { ClusterWatchHub, RunSnapshot } from "../cluster/cluster-watch-hub.js";
import { phaseLine } from "../cluster/phase-line.js";
import { diagnosePodStart } from "../cluster/pod-start-diagnosis.js";
import { retryTransient } from "../cluster/retry-transient.js";
import { mainContainerStatus, pickCurrentPod } from "../cluster/run-objects.js";
import { waitOnRunEvents } from "../cluster/run-event-wait.js";
import type { Pod } from "../../ports/kubernetes-objects.js";
import type { RunFailure } from "../errors.js";
import type { AdapterConfig } from "../config/config-fields.js";
import { MAIN_CONTAINER_NAME } from "../job/job-manifest-factory.js";
import type { RunJob, RunScope } from "./run-phases.js";
import type { PodEnd } from "./run-streamer.js";

export type PodStart =
  | { readonly kind: "started" }
  | { readonly kind: "cancelled" }
  | { readonly kind: "failed"; readonly failure: RunFailure };

/** With no run timeout the wait for the pod's end is still bounded: a day, then a named failure. */
const UNBOUNDED_RUN_WAIT_MS = 24 * 3600 * 1000;
/**
 * A run whose watch brought nothing for this long checks its Job (and pod) with GETs: a stalled
 * watch is only restarted after minutes, and a run must neither time out nor linger behind it.
 */
export const QUIET_WATCH_CHECK_MS = 15_000;
const PROBE_RETRY = { attempts: 3, initialMs: 500, maxMs: 2_000 };

export class PodLifecycle {
  constructor(
    private readonly hub: ClusterWatchHub,
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
  ) {}

  /** Keeps the namespace's shared watches alive for this run until the returned release is called. */
  hold({ namespace, jobName }: RunJob): () => void {
    const handle = this.hub.watchRun(namespace, jobName, {});
    return () => handle.close();
  }

  async awaitStart(job: RunJob, budgetMs: number, { status, signal }: RunScope): Promise<PodStart> {
    const probe = () => this.probe(job);
    const outcome = await awaitPodStart(this.hub, this.clock, {
      ...job,
      budgetMs,
      signal,
      status,
      probe,
      quietMs: QUIET_WATCH_CHECK_MS,
    });
    if (outcome.kind === "running" || outcome.kind === "terminated") return { kind: "started" };
    if (outcome.kind === "failed" && outcome.failure.errorCode === "k8s_pod_start_timeout") {
      // The watch may have missed the start: one GET decides before the timeout is reported.
      const seen = await probe();
      const state = seen ? diagnosePodStart(seen.pod, seen.job).kind : null;
      if (state === "running" || state === "terminated") return { kind: "started" };
      void status(phaseLine(outcome.failure.errorMessage));
    }
    return outcome;
  }

  /**
   * After the Job's deletion: resolves true once its pod is gone or its main container stopped
   * (what the pod writes on its way out is written by then), false when `budgetMs` ran out.
   */
  awaitStopped(job: RunJob, budgetMs: number): Promise<boolean> {
    return waitOnRunEvents<boolean>(
      this.hub,
      this.clock,
      { ...job, budgetMs, quietMs: QUIET_WATCH_CHECK_MS },
      {
        evaluate: ({ pod }) => (pod === null || podStopped(pod) ? true : undefined),
        expired: () => false,
        cancelled: () => false,
        onQuiet: async (control) => {
          const seen = await this.probe(job);
          if (seen && (seen.pod === null || podStopped(seen.pod))) control.finish(true);
        },
      },
    );
  }

  /** The Job and its current pod read with GETs (transient errors retried); null when unreadable. */
  private async probe({ namespace, jobName }: RunJob): Promise<RunSnapshot | null> {
    const read = await retryTransient(
      this.clock,
      async () => ({
        job: await this.kubernetes.readJob(namespace, jobName),
        pods: await this.kubernetes.listPods(namespace, `job-name=${jobName}`),
      }),
      PROBE_RETRY,
    );
    if (!read.ok) return null;
    return { job: read.value.job, pod: pickCurrentPod(read.value.pods), jobSeen: true };
  }

  async awaitEnd(job: RunJob, config: AdapterConfig, { status, signal }: RunScope): Promise<PodEnd> {
    const maxWaitMs =
      config.timeoutSec > 0
        ? (config.timeoutSec + config.graceSec + config.podStartTimeoutSec) * 1000
        : UNBOUNDED_RUN_WAIT_MS;
    const outcome = await awaitPodTermination(this.hub, this.kubernetes, this.clock, {
      ...job,
      maxWaitMs,
      containerName: MAIN_CONTAINER_NAME,
      signal,
      status,
      quietMs: QUIET_WATCH_CHECK_MS,
    });
    if (outcome.kind === "ended") {
      return {
        kind: "terminated",
        terminated: outcome.container,
        jobFailureReason: outcome.jobCondition?.type === "Failed" ? (outcome.jobCondition.reason ?? "Failed") : null,
      };
    }
    if (outcome.kind === "cancelled") return outcome;
    if (outcome.failure.errorCode === "k8s_job_deleted_externally") return { kind: "job-deleted" };
    return outcome;
  }
}

function podStopped(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return (
    phase === "Succeeded" || phase === "Failed" || !!mainContainerStatus(pod, MAIN_CONTAINER_NAME)?.state?.terminated
  );
}
