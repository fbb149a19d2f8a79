/**
 * The local runtime's controllers: the Job controller (one pod per started Job, Job conditions
 * from the pod's end, activeDeadlineSeconds, ttlSecondsAfterFinished) and the garbage collector
 * (pods and Secrets follow their owner Job per the deletion propagation). Deadlines and TTLs run
 * on the injected ClockPort; pod termination grace is wall time.
 */
import { randomUUID } from "node:crypto";
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
import { keyOf, keyOfObject, type LocalClusterStore, type StoredJob, type StoredPod } from "./local-cluster-store.js";
import type { LocalPodRunner, PodStatus } from "./local-pod-runner.js";

export const MOUNTS_ANNOTATION = "local-runtime.claude-k8s/mounts";

export interface JobControllerOptions {
  readonly clock: ClockPort;
  /** SIGTERM → SIGKILL grace on deletion; undefined uses the pod's own. */
  readonly killGraceMs: number | undefined;
  /** True once the runtime shuts down: timers that fire late do nothing. */
  readonly isClosed: () => boolean;
}

export class LocalJobController {
  constructor(
    private readonly store: LocalClusterStore,
    private readonly runner: () => Promise<LocalPodRunner>,
    private readonly options: JobControllerOptions,
  ) {}

  /** The Job is (un)suspended: create its pod, run it, and start the deadline. */
  async start(stored: StoredJob): Promise<void> {
    const runner = await this.runner();
    const job = stored.job;
    markStarted(job, this.store.timestamp());
    this.store.jobChanged(job);

    const pod = this.podFor(job);
    // Where each mount really is on this machine, visible to anyone listing the pod.
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [MOUNTS_ANNOTATION]: JSON.stringify(runner.mountMappings(pod)),
    };
    const podKey = keyOfObject(pod);
    const entry: StoredPod = { pod };
    this.store.touch(pod.metadata);
    this.store.putPod(entry);
    this.store.podWatches.emit("ADDED", pod);
    entry.running = runner.run(pod, this.secretLookup(pod), (status) => this.onPodStatus(podKey, status));
    this.store.savePod(entry);
    this.watchDeadline(stored);
  }

  /**
   * A Job recovered from a server that died: its deadline and TTL timers go on where they were
   * (counted from its start and its end), and a started Job whose pod was never recorded gets it.
   */
  async recoverJob(stored: StoredJob): Promise<void> {
    const job = stored.job;
    if (job.spec.suspend === true || job.metadata.deletionTimestamp) return;
    if (isJobFinished(job)) return this.scheduleTtl(stored, elapsedSince(finishedAt(job), this.options.clock));
    if (this.store.podsOwnedBy(job.metadata.uid ?? "").length === 0) return this.start(stored);
    this.watchDeadline(stored);
  }

  /** A pod recovered from a server that died: the kubelet takes over its containers' processes. */
  async recoverPod(entry: StoredPod): Promise<void> {
    const record = entry.recovered;
    if (!record) return;
    const runner = await this.runner();
    const podKey = keyOfObject(entry.pod);
    if (this.store.pods.get(podKey) !== entry || entry.deleting) return;
    entry.running = runner.adopt(record, this.secretLookup(entry.pod), (status) => this.onPodStatus(podKey, status));
    this.store.savePod(entry);
  }

  private secretLookup(pod: Pod): (name: string) => ReturnType<LocalClusterStore["secrets"]["get"]> {
    const namespace = pod.metadata.namespace ?? "";
    return (name) => this.store.secrets.get(keyOf(namespace, name));
  }

  /** Deletes the Job with Kubernetes' propagation semantics; the caller checked it exists. */
  delete(stored: StoredJob, propagation: DeletePropagation): void {
    stored.timers.abort();
    const uid = stored.job.metadata.uid ?? "";
    if (propagation === "Orphan") {
      this.removeJob(stored);
      this.orphanDependents(uid);
    } else if (propagation === "Foreground") {
      // The Job stays (with a deletionTimestamp) until its pods are gone, then goes with its Secret.
      stored.job.metadata.deletionTimestamp = this.store.timestamp();
      this.store.jobChanged(stored.job);
      void Promise.allSettled(this.deletePodsOwnedBy(uid)).then(() => {
        this.removeJob(stored);
        this.collectSecrets();
      });
    } else {
      this.removeJob(stored);
      this.deletePodsOwnedBy(uid);
      this.collectSecrets();
    }
  }

  /** Deletes every Secret whose owners are all gone (an ownerless Secret is kept). */
  collectSecrets(): void {
    for (const secret of [...this.store.secrets.values()]) {
      const owners = secret.metadata.ownerReferences ?? [];
      if (owners.length > 0 && owners.every((o) => this.store.jobByUid(o.uid) === undefined)) {
        this.store.removeSecret(secret);
      }
    }
  }

  // ---- the Job controller -----------------------------------------------------------------------

  private podFor(job: Job): Pod {
    const pod = podForJob(job);
    pod.metadata = { ...pod.metadata, uid: randomUUID(), creationTimestamp: this.store.timestamp() };
    pod.spec = { ...pod.spec, nodeName: "local" };
    return pod;
  }

  private onPodStatus(podKey: string, status: PodStatus): void {
    const entry = this.store.pods.get(podKey);
    if (!entry) return;
    entry.pod.status = status;
    this.store.podChanged(entry.pod);
    if (status.phase === "Succeeded" || status.phase === "Failed") this.onPodFinished(entry.pod, status.phase);
  }

  private onPodFinished(pod: Pod, phase: "Succeeded" | "Failed"): void {
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === "Job");
    const stored = owner ? this.store.jobByUid(owner.uid) : undefined;
    if (!stored || isJobFinished(stored.job) || stored.job.metadata.deletionTimestamp) return;
    const at = this.store.timestamp();
    if (stored.failing) markFailed(stored.job, stored.failing, at);
    else if (phase === "Succeeded") markSucceeded(stored.job, at);
    else markFailed(stored.job, "BackoffLimitExceeded", at);
    this.store.jobChanged(stored.job);
    this.scheduleTtl(stored);
  }

  /** activeDeadlineSeconds, counted from startTime: the Job fails and its pods are deleted. */
  private watchDeadline(stored: StoredJob): void {
    const seconds = stored.job.spec.activeDeadlineSeconds;
    if (seconds === undefined) return;
    const remaining = seconds * 1000 - elapsedSince(stored.job.status?.startTime, this.options.clock);
    void this.options.clock.sleep(Math.max(0, remaining), stored.timers.signal).then((outcome) => {
      if (outcome !== "elapsed" || isJobFinished(stored.job) || !this.store.jobs.has(keyOfObject(stored.job))) return;
      stored.failing = "DeadlineExceeded";
      markFailureTarget(stored.job, "DeadlineExceeded", this.store.timestamp());
      this.store.jobChanged(stored.job);
      this.deletePodsOwnedBy(stored.job.metadata.uid ?? "");
    });
  }

  private scheduleTtl(stored: StoredJob, alreadyElapsedMs = 0): void {
    const seconds = stored.job.spec.ttlSecondsAfterFinished;
    if (seconds === undefined) return;
    void this.options.clock
      .sleep(Math.max(0, seconds * 1000 - alreadyElapsedMs), stored.timers.signal)
      .then((outcome) => {
        if (outcome !== "elapsed" || this.options.isClosed() || stored.job.metadata.deletionTimestamp) return;
        if (!this.store.jobs.has(keyOfObject(stored.job))) return;
        this.delete(stored, "Background");
      });
  }

  // ---- deletion and garbage collection ---------------------------------------------------------

  private removeJob(stored: StoredJob): void {
    if (!this.store.removeJob(stored.job)) return;
    stored.timers.abort();
    this.store.jobWatches.emit("DELETED", stored.job);
  }

  /** Deletes each pod the Job owns: graceful termination, then removal and sandbox cleanup. */
  private deletePodsOwnedBy(uid: string): Array<Promise<void>> {
    return this.store.podsOwnedBy(uid).map(([key, entry]) => this.deletePod(key, entry));
  }

  /** Deletes one pod (graceful termination, then removal), as deleting its owner would. */
  deletePodOf(entry: StoredPod): Promise<void> {
    return this.deletePod(keyOfObject(entry.pod), entry);
  }

  private deletePod(key: string, entry: StoredPod): Promise<void> {
    if (entry.deleting) return entry.deleting;
    entry.pod.metadata.deletionTimestamp = this.store.timestamp();
    this.store.podChanged(entry.pod);
    entry.deleting = (async () => {
      try {
        await entry.running?.dispose(this.options.killGraceMs);
        // A recovered pod that never ran again still has its sandbox (logs) from before.
        if (entry.recovered?.sandboxDirectory)
          await rm(entry.recovered.sandboxDirectory, { recursive: true, force: true });
      } finally {
        this.store.removePod(entry.pod);
        this.store.touch(entry.pod.metadata);
        this.store.podWatches.emit("DELETED", entry.pod);
      }
    })();
    return entry.deleting;
  }

  /** Orphan propagation: dependents lose their owner reference and live on. */
  private orphanDependents(uid: string): void {
    const strip = (metadata: ObjectMeta) => {
      const before = metadata.ownerReferences?.length ?? 0;
      metadata.ownerReferences = metadata.ownerReferences?.filter((o) => o.uid !== uid);
      return (metadata.ownerReferences?.length ?? 0) !== before;
    };
    for (const entry of this.store.pods.values()) {
      if (strip(entry.pod.metadata)) this.store.podChanged(entry.pod);
    }
    for (const secret of this.store.secrets.values()) {
      if (!strip(secret.metadata)) continue;
      this.store.touch(secret.metadata);
      this.store.putSecret(secret);
    }
  }
}

/** Milliseconds since an ISO timestamp on `clock` (0 when there is none). */
function elapsedSince(timestamp: string | undefined, clock: ClockPort): number {
  const at = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(at) ? 0 : Math.max(0, clock.now() - at);
}
