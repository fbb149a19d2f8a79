/**
 * The cluster's controllers over the object store, on ClockPort: the Job controller (a started
 * Job gets a pod the kubelet runs; pod phases become Job conditions; backoffLimit retries;
 * re-suspending deletes the pod; activeDeadlineSeconds; ttlSecondsAfterFinished) and the garbage
 * collector (a Job's pods and Secrets follow it per the deletion propagation). A pod is deleted
 * as a cluster does: a deletionTimestamp first, its containers stopped, then it is gone.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, Pod } from "../../ports/kubernetes-objects.js";
import type { DeletePropagation } from "../../ports/kubernetes-port.js";
import { finishedAt, isJobFinished, markFailed, markStarted, markSucceeded } from "./job-conditions.js";
import { podForJob } from "./job-pod.js";
import type { Kubelet, PodHandle, PodStatus } from "./kubelet.js";
import { notFound, type Change, type ObjectStore } from "./object-store.js";
import { isTerminal, nameOf, PodLifecycle } from "./pod-lifecycle.js";

const DEFAULT_BACKOFF_LIMIT = 6;

interface JobTimers {
  readonly abort: AbortController;
  deadline?: boolean;
  ttl?: boolean;
}

export class JobController {
  readonly pods: PodLifecycle;
  /** Deadline and TTL timers by Job uid. */
  private readonly timers = new Map<string, JobTimers>();
  private closed = false;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: ClockPort,
    private readonly kubelet: () => Kubelet,
  ) {
    this.pods = new PodLifecycle(store);
    store.onChange((change) => this.onChange(change));
  }

  /**
   * Brings the Job to what its spec asks: a started Job without a live pod gets one, a suspended
   * one loses its pods, deadlines and TTLs are armed (also for a Job a previous server left).
   */
  reconcile(namespace: string, name: string): void {
    const job = this.store.get("jobs", namespace, name);
    if (this.closed || !job || job.metadata.deletionTimestamp) return;
    if (isJobFinished(job)) return this.armTtl(job);
    const pods = this.store.dependentsOf("pods", job.metadata.uid ?? "");
    const ended = pods.filter(isTerminal);
    // A pod that ended while no controller watched (its server died) counts before any new one.
    const unaccounted = ended.length - (job.status?.succeeded ?? 0) - (job.status?.failed ?? 0);
    if (unaccounted > 0 && ended[ended.length - 1]) return this.podEnded(ended[ended.length - 1]!);
    const active = pods.filter((p) => !isTerminal(p));
    if (job.spec.suspend) {
      for (const pod of active) void this.pods.delete(...nameOf(pod));
      this.clearTimers(job);
      return;
    }
    if (active.length > 0) return this.armDeadline(job);
    const at = this.store.timestamp();
    const started = this.store.update("jobs", namespace, name, (j) => {
      if (j.status?.startTime) j.status = { ...j.status, active: 1 };
      else markStarted(j, at);
    });
    this.armDeadline(started);
    this.startPod(started);
  }

  /** Follows a pod whose containers already run (a previous server started them). */
  follow(pod: Pod, start: (report: (status: PodStatus) => void) => PodHandle): void {
    const uid = pod.metadata.uid ?? "";
    this.pods.track(
      pod,
      start((status) => this.podReported(pod, uid, status)),
    );
  }

  /** DELETE of a Job with its propagation; resolves once its dependents are handled. 404 when absent. */
  async deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<Job> {
    const job = this.store.get("jobs", namespace, name);
    if (!job) throw notFound("jobs", name);
    const uid = job.metadata.uid ?? "";
    this.clearTimers(job);
    if (propagation === "Orphan") {
      const gone = this.store.delete("jobs", namespace, name) ?? job;
      for (const resource of ["pods", "secrets"] as const) {
        for (const dependent of this.store.dependentsOf(resource, uid)) {
          this.store.update(resource, ...nameOf(dependent), (o) => {
            o.metadata.ownerReferences = o.metadata.ownerReferences?.filter((r) => r.uid !== uid);
          });
        }
      }
      return gone;
    }
    if (propagation === "Foreground") {
      // The owner stays visible with a deletionTimestamp until its dependents are gone.
      const at = this.store.timestamp();
      this.store.update("jobs", namespace, name, (j) => (j.metadata.deletionTimestamp = at));
      await this.pods.deleteOwnedBy(uid);
      const gone = (this.current(job) && this.store.delete("jobs", namespace, name)) || job;
      this.collectSecrets();
      return gone;
    }
    const gone = this.store.delete("jobs", namespace, name) ?? job;
    const pods = this.pods.deleteOwnedBy(uid);
    this.collectSecrets();
    await pods;
    return gone;
  }

  /** Deletes every Secret whose owners are all gone (an ownerless Secret is kept). */
  collectSecrets(): void {
    for (const secret of this.store.all("secrets")) {
      const owners = secret.metadata.ownerReferences ?? [];
      if (owners.length > 0 && owners.every((o) => this.store.byUid("jobs", o.uid) === undefined)) {
        this.store.delete("secrets", ...nameOf(secret));
      }
    }
  }

  /** Stops every pod and timer; nothing reacts afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timers of this.timers.values()) timers.abort.abort();
    this.timers.clear();
    await this.pods.stopAll();
  }

  // ---- the Job controller -----------------------------------------------------------------------

  private onChange(change: Change): void {
    // Deferred, so a reaction never interleaves with the change's own fan-out.
    if (change.resource !== "jobs") return;
    if (change.type === "DELETED") this.clearTimers(change.object as Job);
    else queueMicrotask(() => this.reconcile(...nameOf(change.object)));
  }

  private activePods(job: Job): Pod[] {
    return this.store.dependentsOf("pods", job.metadata.uid ?? "").filter((p) => !isTerminal(p));
  }

  private startPod(job: Job): void {
    const kubelet = this.kubelet();
    const template = podForJob(job);
    kubelet.prepare?.(template);
    const pod = this.store.create("pods", template.metadata.namespace ?? "", template);
    const uid = pod.metadata.uid ?? "";
    const report = (status: PodStatus) => this.podReported(pod, uid, status);
    this.pods.track(pod, kubelet.start(structuredClone(pod), this.pods.secretsOf(pod), report));
  }

  private podReported(pod: Pod, uid: string, status: PodStatus): void {
    const current = this.store.get("pods", ...nameOf(pod));
    if (this.closed || current?.metadata.uid !== uid || isTerminal(current)) return;
    const updated = this.store.update("pods", ...nameOf(pod), (p) => (p.status = structuredClone(status)));
    if (!isTerminal(updated)) return;
    this.podEnded(updated);
  }

  private podEnded(pod: Pod): void {
    const owner = pod.metadata.ownerReferences?.find((r) => r.kind === "Job");
    const job = owner && this.store.byUid("jobs", owner.uid);
    if (!job || isJobFinished(job) || job.metadata.deletionTimestamp) return;
    // A pod stopped because its Job was suspended is not a failure of the Job.
    if (pod.metadata.deletionTimestamp) return;
    const failed = (job.status?.failed ?? 0) + (pod.status?.phase === "Failed" ? 1 : 0);
    if (pod.status?.phase === "Succeeded") return this.finish(job, (j, at) => markSucceeded(j, at));
    if (failed > (job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT)) {
      return this.finish(job, (j, at) => markFailed(j, "BackoffLimitExceeded", at, failed));
    }
    // A retry: the reconcile this change triggers sees no active pod and starts another.
    this.store.update("jobs", ...nameOf(job), (j) => (j.status = { ...j.status, active: 0, failed }));
  }

  /** Records the Job's end (`mark`) and arms its TTL. */
  private finish(job: Job, mark: (job: Job, at: string) => void): void {
    const at = this.store.timestamp();
    const finished = this.store.update("jobs", ...nameOf(job), (j) => mark(j, at));
    this.armTtl(finished);
  }

  /** activeDeadlineSeconds, counted from startTime: the Job fails and its pods are deleted. */
  private armDeadline(job: Job): void {
    const seconds = job.spec.activeDeadlineSeconds;
    const timers = this.timersOf(job);
    if (seconds === undefined || timers.deadline) return;
    timers.deadline = true;
    const remaining = seconds * 1000 - this.elapsedSince(job.status?.startTime);
    void this.clock.sleep(Math.max(0, remaining), timers.abort.signal).then((outcome) => {
      const current = this.current(job);
      if (outcome !== "elapsed" || this.closed || !current || isJobFinished(current)) return;
      const failed = (current.status?.failed ?? 0) + this.activePods(current).length;
      this.finish(current, (j, at) => markFailed(j, "DeadlineExceeded", at, failed));
      void this.pods.deleteOwnedBy(current.metadata.uid ?? "");
    });
  }

  private armTtl(job: Job): void {
    const seconds = job.spec.ttlSecondsAfterFinished;
    const timers = this.timersOf(job);
    if (seconds === undefined || timers.ttl) return;
    timers.ttl = true;
    const remaining = seconds * 1000 - this.elapsedSince(finishedAt(job));
    void this.clock.sleep(Math.max(0, remaining), timers.abort.signal).then((outcome) => {
      const current = this.current(job);
      if (outcome !== "elapsed" || this.closed || !current || current.metadata.deletionTimestamp) return;
      void this.deleteJob(...nameOf(current), "Background").catch(() => undefined);
    });
  }

  /** The Job as stored now, if it is still the one `job` was (same uid). */
  private current(job: Job): Job | undefined {
    const now = this.store.get("jobs", ...nameOf(job));
    return now?.metadata.uid === job.metadata.uid ? now : undefined;
  }

  private timersOf(job: Job): JobTimers {
    const uid = job.metadata.uid ?? "";
    let timers = this.timers.get(uid);
    if (!timers) this.timers.set(uid, (timers = { abort: new AbortController() }));
    return timers;
  }

  private clearTimers(job: Job): void {
    const uid = job.metadata.uid ?? "";
    this.timers.get(uid)?.abort.abort();
    this.timers.delete(uid);
  }

  /** Milliseconds since an ISO timestamp on the clock (0 when there is none). */
  private elapsedSince(timestamp: string | undefined): number {
    const at = timestamp ? Date.parse(timestamp) : NaN;
    return Number.isNaN(at) ? 0 : Math.max(0, this.clock.now() - at);
  }
}
