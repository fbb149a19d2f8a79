/**
 * The local runtime's controllers: the Job controller (one pod per started Job, Job conditions
 * from the pod's end, activeDeadlineSeconds, ttlSecondsAfterFinished) and the garbage collector
 * (pods and Secrets follow their owner Job per the deletion propagation). Deadlines and TTLs run
 * on the injected ClockPort; pod termination grace is wall time.
 */
import { rm } from "node:fs/promises";
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, ObjectMeta, Pod } from "../../ports/kubernetes-objects.js";
import type { DeletePropagation } from "../../ports/kubernetes-port.js";
import {
  finishedAt,
  isJobFinished,
  markFailed,
  markFailureTarget,
  markStarted,
  markSucceeded,
} from "../cluster-model/job-conditions.js";
import { podForJob } from "../cluster-model/job-pod.js";
import { decodeSecret, type ObjectStore, type StoredSecret } from "../cluster-model/object-store.js";
import type { LocalClusterStore, PodRuntime } from "./local-cluster-store.js";
import type { LocalPodRunner, PodStatus } from "./local-pod-runner.js";
import type { SecretLookup } from "./secret-data.js";

export const MOUNTS_ANNOTATION = "local-runtime.claude-k8s/mounts";

export interface JobControllerOptions {
  readonly clock: ClockPort;
  /** SIGTERM → SIGKILL grace on deletion; undefined uses the pod's own. */
  readonly killGraceMs: number | undefined;
  /** True once the runtime shuts down: timers that fire late do nothing. */
  readonly isClosed: () => boolean;
}

const nameOf = (o: { metadata: ObjectMeta }) => [o.metadata.namespace ?? "", o.metadata.name ?? ""] as const;

export class LocalJobController {
  private readonly objects: ObjectStore;

  constructor(
    private readonly store: LocalClusterStore,
    private readonly runner: () => Promise<LocalPodRunner>,
    private readonly options: JobControllerOptions,
  ) {
    this.objects = store.objects;
  }

  /** The Job is (un)suspended: create its pod, run it, and start the deadline. */
  async start(created: Job): Promise<void> {
    const runner = await this.runner();
    const job = this.objects.update("jobs", ...nameOf(created), (j) => markStarted(j, this.store.timestamp()));
    const template = podForJob(job);
    template.spec = { ...template.spec, nodeName: "local" };
    // Where each mount really is on this machine, visible to anyone listing the pod.
    template.metadata.annotations = {
      ...template.metadata.annotations,
      [MOUNTS_ANNOTATION]: JSON.stringify(runner.mountMappings(template)),
    };
    const pod = this.objects.create("pods", template.metadata.namespace ?? "", template);
    const uid = pod.metadata.uid ?? "";
    this.store.podRuntime(pod).running = runner.run(pod, this.secretLookup(pod), (s) => this.onPodStatus(pod, uid, s));
    this.store.savePod(pod);
    this.watchDeadline(job);
  }

  /**
   * A Job recovered from a server that died: its deadline and TTL timers go on where they were
   * (counted from its start and its end), and a started Job whose pod was never recorded gets it.
   */
  async recoverJob(job: Job): Promise<void> {
    if (job.spec.suspend === true || job.metadata.deletionTimestamp) return;
    if (isJobFinished(job)) return this.scheduleTtl(job, elapsedSince(finishedAt(job), this.options.clock));
    if (this.objects.dependentsOf("pods", job.metadata.uid ?? "").length === 0) return this.start(job);
    this.watchDeadline(job);
  }

  /** A pod recovered from a server that died: the kubelet takes over its containers' processes. */
  async recoverPod(pod: Pod, runtime: PodRuntime): Promise<void> {
    const record = runtime.recovered;
    if (!record) return;
    const runner = await this.runner();
    const uid = pod.metadata.uid ?? "";
    if (this.objects.get("pods", ...nameOf(pod))?.metadata.uid !== uid || runtime.deleting) return;
    runtime.running = runner.adopt(record, this.secretLookup(pod), (s) => this.onPodStatus(pod, uid, s));
    this.store.savePod(pod);
  }

  private secretLookup(pod: Pod): SecretLookup {
    const namespace = pod.metadata.namespace ?? "";
    return (name) => {
      const secret: StoredSecret | undefined = this.objects.get("secrets", namespace, name);
      return secret && decodeSecret(secret);
    };
  }

  /** Deletes the Job with Kubernetes' propagation semantics; the caller checked it exists. */
  delete(job: Job, propagation: DeletePropagation): void {
    this.store.jobRuntime(job).timers.abort();
    const uid = job.metadata.uid ?? "";
    if (propagation === "Orphan") {
      this.objects.delete("jobs", ...nameOf(job));
      this.orphanDependents(uid);
    } else if (propagation === "Foreground") {
      // The Job stays (with a deletionTimestamp) until its pods are gone, then goes with its Secret.
      const at = this.store.timestamp();
      this.objects.update("jobs", ...nameOf(job), (j) => (j.metadata.deletionTimestamp = at));
      void Promise.allSettled(this.deletePodsOwnedBy(uid)).then(() => {
        this.removeJob(job);
        this.collectSecrets();
      });
    } else {
      this.removeJob(job);
      this.deletePodsOwnedBy(uid);
      this.collectSecrets();
    }
  }

  /** Deletes every Secret whose owners are all gone (an ownerless Secret is kept). */
  collectSecrets(): void {
    for (const secret of this.objects.all("secrets")) {
      const owners = secret.metadata.ownerReferences ?? [];
      if (owners.length > 0 && owners.every((o) => this.objects.byUid("jobs", o.uid) === undefined)) {
        this.objects.delete("secrets", ...nameOf(secret));
      }
    }
  }

  // ---- the Job controller -----------------------------------------------------------------------

  private onPodStatus(pod: Pod, uid: string, status: PodStatus): void {
    if (this.objects.get("pods", ...nameOf(pod))?.metadata.uid !== uid) return;
    const updated = this.objects.update("pods", ...nameOf(pod), (p) => (p.status = status));
    if (status.phase === "Succeeded" || status.phase === "Failed") this.onPodFinished(updated, status.phase);
  }

  private onPodFinished(pod: Pod, phase: "Succeeded" | "Failed"): void {
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === "Job");
    const job = owner ? this.objects.byUid("jobs", owner.uid) : undefined;
    if (!job || isJobFinished(job) || job.metadata.deletionTimestamp) return;
    const at = this.store.timestamp();
    const failing = this.store.jobRuntime(job).failing;
    const finished = this.objects.update("jobs", ...nameOf(job), (j) => {
      if (failing) markFailed(j, failing, at);
      else if (phase === "Succeeded") markSucceeded(j, at);
      else markFailed(j, "BackoffLimitExceeded", at);
    });
    this.scheduleTtl(finished);
  }

  /** The Job as stored now, if it is still the one `job` was (same uid). */
  private current(job: Job): Job | undefined {
    const now = this.objects.get("jobs", ...nameOf(job));
    return now?.metadata.uid === job.metadata.uid ? now : undefined;
  }

  /** activeDeadlineSeconds, counted from startTime: the Job fails and its pods are deleted. */
  private watchDeadline(job: Job): void {
    const seconds = job.spec.activeDeadlineSeconds;
    if (seconds === undefined) return;
    const runtime = this.store.jobRuntime(job);
    const remaining = seconds * 1000 - elapsedSince(job.status?.startTime, this.options.clock);
    void this.options.clock.sleep(Math.max(0, remaining), runtime.timers.signal).then((outcome) => {
      const now = this.current(job);
      if (outcome !== "elapsed" || !now || isJobFinished(now)) return;
      runtime.failing = "DeadlineExceeded";
      const at = this.store.timestamp();
      this.objects.update("jobs", ...nameOf(now), (j) => markFailureTarget(j, "DeadlineExceeded", at));
      this.deletePodsOwnedBy(now.metadata.uid ?? "");
    });
  }

  private scheduleTtl(job: Job, alreadyElapsedMs = 0): void {
    const seconds = job.spec.ttlSecondsAfterFinished;
    if (seconds === undefined) return;
    const { signal } = this.store.jobRuntime(job).timers;
    void this.options.clock.sleep(Math.max(0, seconds * 1000 - alreadyElapsedMs), signal).then((outcome) => {
      if (outcome !== "elapsed" || this.options.isClosed()) return;
      const now = this.current(job);
      if (now && !now.metadata.deletionTimestamp) this.delete(now, "Background");
    });
  }

  // ---- deletion and garbage collection ---------------------------------------------------------

  private removeJob(job: Job): void {
    if (this.current(job)) this.objects.delete("jobs", ...nameOf(job));
  }

  /** Deletes each pod the Job owns: graceful termination, then removal and sandbox cleanup. */
  private deletePodsOwnedBy(uid: string): Array<Promise<void>> {
    return this.objects.dependentsOf("pods", uid).map((pod) => this.deletePod(pod));
  }

  /** Deletes one pod (graceful termination, then removal), as deleting its owner would. */
  deletePod(pod: Pod): Promise<void> {
    const runtime = this.store.podRuntime(pod);
    if (runtime.deleting) return runtime.deleting;
    const at = this.store.timestamp();
    this.objects.update("pods", ...nameOf(pod), (p) => (p.metadata.deletionTimestamp = at));
    runtime.deleting = (async () => {
      try {
        await runtime.running?.dispose(this.options.killGraceMs);
        // A recovered pod that never ran again still has its sandbox (logs) from before.
        if (runtime.recovered?.sandboxDirectory)
          await rm(runtime.recovered.sandboxDirectory, { recursive: true, force: true });
      } finally {
        this.objects.delete("pods", ...nameOf(pod));
      }
    })();
    return runtime.deleting;
  }

  /** Orphan propagation: dependents lose their owner reference and live on. */
  private orphanDependents(uid: string): void {
    const strip = (metadata: ObjectMeta) => {
      metadata.ownerReferences = metadata.ownerReferences?.filter((o) => o.uid !== uid);
    };
    for (const pod of this.objects.dependentsOf("pods", uid))
      this.objects.update("pods", ...nameOf(pod), (p) => strip(p.metadata));
    for (const secret of this.objects.dependentsOf("secrets", uid)) {
      this.objects.update("secrets", ...nameOf(secret), (s) => strip(s.metadata));
    }
  }
}

/** Milliseconds since an ISO timestamp on `clock` (0 when there is none). */
function elapsedSince(timestamp: string | undefined, clock: ClockPort): number {
  const at = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(at) ? 0 : Math.max(0, clock.now() - at);
}
