/**
 * The job controller and garbage collector: a resumed Job gets a pod that the kubelet runs; pod
 * phases turn into Job conditions; activeDeadlineSeconds and ttlSecondsAfterFinished are enforced;
 * deleting a Job collects its pods and owned Secrets unless orphaned.
 */
import {
  isJobFinished,
  markFailed,
  markSucceeded,
  type JobFailureReason,
} from "../../../src/adapters/cluster-model/job-conditions.js";
import { podForJob } from "../../../src/adapters/cluster-model/job-pod.js";
import type { DeletePropagation } from "../../../src/ports/kubernetes-port.js";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import type { Kubelet, PodHandle, PodStatus } from "./kubelet.js";
import {
  decodeSecret,
  notFound,
  type ObjectStore,
  type ResourceName,
} from "../../../src/adapters/cluster-model/object-store.js";

const DEFAULT_BACKOFF_LIMIT = 6;
const DEPENDENT_RESOURCES: ResourceName[] = ["pods", "secrets"];

type Timer = ReturnType<typeof setTimeout>;

const isTerminal = (pod: Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

export class JobController {
  /** Running pods by uid: what to kill when a pod is deleted or times out. */
  private readonly handles = new Map<string, PodHandle>();
  /** Deadline and TTL timers by Job uid. */
  private readonly timers = new Map<string, Timer>();
  private closed = false;

  constructor(
    private readonly store: ObjectStore,
    private kubelet: Kubelet,
  ) {
    store.onChange((change) => {
      // Deferred, so a reaction never interleaves with the change's own fan-out.
      if (change.resource === "jobs" && change.type !== "DELETED") {
        const { namespace = "", name = "" } = change.object.metadata;
        queueMicrotask(() => this.reconcile(namespace, name));
      }
    });
  }

  setKubelet(kubelet: Kubelet): void {
    this.kubelet = kubelet;
  }

  get runningPodCount(): number {
    return this.handles.size;
  }

  /** DELETE of a Job with its propagation policy; 404 when it does not exist. */
  async deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<Job> {
    const job = this.store.get("jobs", namespace, name);
    if (!job) throw notFound("jobs", name);
    const uid = job.metadata.uid ?? "";
    this.clearTimer(uid);
    if (propagation === "Orphan") {
      for (const resource of DEPENDENT_RESOURCES) {
        for (const dependent of this.store.dependentsOf(resource, uid)) {
          this.store.update(resource, namespace, dependent.metadata.name ?? "", (o) => {
            o.metadata.ownerReferences = o.metadata.ownerReferences?.filter((r) => r.uid !== uid);
          });
        }
      }
      return this.store.delete("jobs", namespace, name) ?? job;
    }
    if (propagation === "Foreground") {
      // The owner stays visible with a deletionTimestamp until its dependents are gone.
      this.store.update("jobs", namespace, name, (j) => {
        j.metadata.deletionTimestamp = new Date().toISOString();
      });
      await this.collectDependents(uid);
      return this.store.delete("jobs", namespace, name) ?? job;
    }
    const gone = this.store.delete("jobs", namespace, name) ?? job;
    await this.collectDependents(uid);
    return gone;
  }

  /** DELETE of a pod: its containers are killed. */
  async deletePod(namespace: string, name: string): Promise<Pod> {
    const pod = this.store.delete("pods", namespace, name);
    if (!pod) throw notFound("pods", name);
    await this.kill(pod.metadata.uid ?? "");
    return pod;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.allSettled(handles.map((h) => h.kill()));
  }

  private reconcile(namespace: string, name: string): void {
    const job = this.store.get("jobs", namespace, name);
    if (this.closed || !job || job.metadata.deletionTimestamp || isJobFinished(job)) return;
    const uid = job.metadata.uid ?? "";
    const active = (this.store.dependentsOf("pods", uid) as Pod[]).filter((p) => !isTerminal(p));
    if (job.spec.suspend) {
      for (const pod of active) void this.deletePod(namespace, pod.metadata.name ?? "");
      this.clearTimer(uid);
      return;
    }
    if (active.length > 0) return;
    const started = this.store.update("jobs", namespace, name, (j) => {
      j.status = { ...j.status, active: 1, startTime: j.status?.startTime ?? new Date().toISOString() };
    });
    this.armDeadline(started);
    this.startPod(started);
  }

  private startPod(job: Job): void {
    const namespace = job.metadata.namespace ?? "";
    const pod = this.store.create("pods", namespace, podForJob(job));
    const podName = pod.metadata.name ?? "";
    const podUid = pod.metadata.uid ?? "";
    const secrets = (secretName: string) => {
      const secret = this.store.get("secrets", namespace, secretName);
      return secret ? decodeSecret(secret) : undefined;
    };
    const report = (status: PodStatus) => this.podReported(namespace, podName, podUid, status);
    this.handles.set(podUid, this.kubelet.start(structuredClone(pod), secrets, report));
  }

  private podReported(namespace: string, podName: string, podUid: string, status: PodStatus): void {
    const current = this.store.get("pods", namespace, podName);
    if (this.closed || !current || current.metadata.uid !== podUid || isTerminal(current)) return;
    const pod = this.store.update("pods", namespace, podName, (p) => {
      p.status = structuredClone(status);
    });
    if (!isTerminal(pod)) return;
    this.handles.delete(podUid);
    const ownerRef = pod.metadata.ownerReferences?.find((r) => r.kind === "Job");
    const job = ownerRef && this.store.get("jobs", namespace, ownerRef.name);
    if (!job || job.metadata.uid !== ownerRef.uid || isJobFinished(job)) return;
    if (pod.status?.phase === "Succeeded") return this.finish(job, (j, at) => markSucceeded(j, at));
    const failed = (job.status?.failed ?? 0) + 1;
    if (failed > (job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT))
      return this.fail(job, "BackoffLimitExceeded", failed);
    // A retry: the controller's reconcile sees no active pod and starts another.
    this.store.update("jobs", namespace, ownerRef.name, (j) => {
      j.status = { ...j.status, active: 0, failed };
    });
  }

  private fail(job: Job, reason: JobFailureReason, failed: number): void {
    this.finish(job, (j, at) => markFailed(j, reason, at, failed));
  }

  /** Records the Job's end (`mark`) and starts its TTL. */
  private finish(job: Job, mark: (job: Job, at: string) => void): void {
    const at = new Date().toISOString();
    const uid = job.metadata.uid ?? "";
    this.clearTimer(uid);
    const finished = this.store.update("jobs", job.metadata.namespace ?? "", job.metadata.name ?? "", (j) =>
      mark(j, at),
    );
    const ttl = finished.spec.ttlSecondsAfterFinished;
    if (ttl !== undefined) {
      this.setTimer(uid, ttl * 1000, () => {
        const { namespace = "", name = "" } = finished.metadata;
        if (this.store.get("jobs", namespace, name)?.metadata.uid === uid)
          void this.deleteJob(namespace, name, "Background");
      });
    }
  }

  private armDeadline(job: Job): void {
    const seconds = job.spec.activeDeadlineSeconds;
    if (seconds === undefined) return;
    const uid = job.metadata.uid ?? "";
    const elapsed = Date.now() - Date.parse(job.status?.startTime ?? new Date().toISOString());
    this.setTimer(uid, Math.max(0, seconds * 1000 - elapsed), () => {
      const { namespace = "", name = "" } = job.metadata;
      const current = this.store.get("jobs", namespace, name);
      if (!current || current.metadata.uid !== uid || isJobFinished(current)) return;
      const active = (this.store.dependentsOf("pods", uid) as Pod[]).filter((p) => !isTerminal(p));
      this.fail(current, "DeadlineExceeded", (current.status?.failed ?? 0) + active.length);
      for (const pod of active) void this.deletePod(namespace, pod.metadata.name ?? "").catch(() => undefined);
    });
  }

  private async collectDependents(ownerUid: string): Promise<void> {
    for (const resource of DEPENDENT_RESOURCES) {
      for (const dependent of this.store.dependentsOf(resource, ownerUid)) {
        const { namespace = "", name = "", uid = "" } = dependent.metadata;
        this.store.delete(resource, namespace, name);
        if (resource === "pods") await this.kill(uid);
      }
    }
  }

  private async kill(podUid: string): Promise<void> {
    const handle = this.handles.get(podUid);
    this.handles.delete(podUid);
    await handle?.kill();
  }

  private setTimer(uid: string, ms: number, fire: () => void): void {
    this.clearTimer(uid);
    const timer = setTimeout(() => {
      this.timers.delete(uid);
      if (!this.closed) fire();
    }, ms);
    this.timers.set(uid, timer);
  }

  private clearTimer(uid: string): void {
    const timer = this.timers.get(uid);
    if (timer) clearTimeout(timer);
    this.timers.delete(uid);
  }
}
