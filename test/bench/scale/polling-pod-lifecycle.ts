/**
 * The baseline's completion wait, the upstream adapter's way: once the pod runs, GET the Job every
 * 2 s until it reports Complete or Failed (404: deleted), plus a keepalive GET of the Job every
 * 15 s for as long as the run lasts. Everything else (the start wait on the shared watches, the
 * tailer, cleanup) is ours, so the two modes differ only in how the end of a run is noticed.
 */
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import { PodLifecycle } from "../../../src/domain/run/pod-lifecycle.js";
import type { RunJob, RunScope } from "../../../src/domain/run/run-phases.js";
import type { PodEnd } from "../../../src/domain/run/run-streamer.js";
import type { ClockPort } from "../../../src/ports/clock-port.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import type { KubernetesPort } from "../../../src/ports/kubernetes-port.js";
import type { ClusterWatchHub } from "../../../src/domain/cluster/cluster-watch-hub.js";

export const UPSTREAM_COMPLETION_POLL_MS = 2_000;
export const UPSTREAM_KEEPALIVE_MS = 15_000;

const finished = (job: Job) =>
  job.status?.conditions?.find((c) => c.status === "True" && (c.type === "Complete" || c.type === "Failed"));

export class PollingPodLifecycle extends PodLifecycle {
  constructor(
    hub: ClusterWatchHub,
    private readonly api: KubernetesPort,
    private readonly time: ClockPort,
  ) {
    super(hub, api, time);
  }

  override async awaitEnd(
    { namespace, jobName }: RunJob,
    _config: AdapterConfig,
    { signal }: RunScope,
  ): Promise<PodEnd> {
    const ended = new AbortController();
    const stop = AbortSignal.any([ended.signal, signal]);
    void this.keepalive(namespace, jobName, stop);
    try {
      for (;;) {
        if ((await this.time.sleep(UPSTREAM_COMPLETION_POLL_MS, stop)) === "aborted") return { kind: "cancelled" };
        const job = await this.api.readJob(namespace, jobName).catch(() => undefined);
        if (job === null) return { kind: "job-deleted" };
        const condition = job && finished(job);
        if (condition) {
          return {
            kind: "terminated",
            terminated: null,
            jobFailureReason: condition.type === "Failed" ? (condition.reason ?? "Failed") : null,
          };
        }
      }
    } finally {
      ended.abort();
    }
  }

  private async keepalive(namespace: string, jobName: string, stop: AbortSignal): Promise<void> {
    while ((await this.time.sleep(UPSTREAM_KEEPALIVE_MS, stop)) === "elapsed") {
      await this.api.readJob(namespace, jobName).catch(() => undefined);
    }
  }
}
