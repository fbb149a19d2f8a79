/**
 * What FakeKubernetes holds: Jobs, pods and Secrets by namespace/name with resourceVersions and
 * uids, every change announced on the Job and pod watches, and the garbage collector's one rule
 * (deleting a Job deletes what it owns). The scripting and the port's API are FakeKubernetes's.
 */
import type { Job, Pod, Secret } from "../../src/ports/kubernetes-objects.js";
import { WatchHub } from "../../src/adapters/cluster-model/watch-hub.js";

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const ownedBy = (object: { metadata: Pod["metadata"] }, job: Job) =>
  object.metadata.ownerReferences?.some((o) => o.uid === job.metadata.uid) === true;

export class FakeClusterObjects {
  readonly jobWatches = new WatchHub<Job>();
  readonly podWatches = new WatchHub<Pod>();
  private readonly jobStore = new Map<string, Job>();
  private readonly podStore = new Map<string, Pod>();
  private readonly secretStore = new Map<string, Secret>();
  private resourceVersion = 1;
  private uidCounter = 1;

  get jobs(): ReadonlyMap<string, Job> {
    return this.jobStore;
  }

  get pods(): ReadonlyMap<string, Pod> {
    return this.podStore;
  }

  get secrets(): ReadonlyMap<string, Secret> {
    return this.secretStore;
  }

  nextUid(): string {
    return `uid-${this.uidCounter++}`;
  }

  touch(metadata: { resourceVersion?: string }): void {
    metadata.resourceVersion = String(this.resourceVersion++);
  }

  addJob(namespace: string, job: Job): void {
    this.touch(job.metadata);
    this.jobStore.set(key(namespace, job.metadata.name ?? ""), job);
    this.jobWatches.emit("ADDED", job);
  }

  addSecret(namespace: string, secret: Secret): void {
    this.touch(secret.metadata);
    this.secretStore.set(key(namespace, secret.metadata.name ?? ""), secret);
  }

  /** The Job controller's pod for `job`: its template, labelled with the Job's name, owned by it. */
  createPod(job: Job, namespace: string): void {
    const jobName = job.metadata.name ?? "";
    const name = `${jobName}-${String(this.uidCounter++).padStart(5, "0")}`;
    const pod: Pod = {
      metadata: {
        name,
        namespace,
        uid: this.nextUid(),
        labels: { ...job.spec.template.metadata?.labels, "job-name": jobName },
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: jobName, uid: job.metadata.uid ?? "" }],
      },
      spec: structuredClone(job.spec.template.spec),
      status: { phase: "Pending" },
    };
    this.touch(pod.metadata);
    this.podStore.set(key(namespace, name), pod);
    job.status = { ...job.status, active: 1 };
    this.podWatches.emit("ADDED", pod);
  }

  podOf(jobName: string, namespace: string): Pod | undefined {
    return [...this.podStore.values()].find(
      (p) => p.metadata.namespace === namespace && p.metadata.labels?.["job-name"] === jobName,
    );
  }

  updateJob(namespace: string, jobName: string, change: (job: Job) => void): void {
    const job = this.jobStore.get(key(namespace, jobName));
    if (!job) throw new Error(`FakeKubernetes: no job ${jobName}`);
    change(job);
    this.touch(job.metadata);
    this.jobWatches.emit("MODIFIED", job);
  }

  updatePod(namespace: string, jobName: string, change: (pod: Pod) => void): void {
    const pod = this.podOf(jobName, namespace);
    if (!pod) throw new Error(`FakeKubernetes: no pod for job ${jobName}`);
    change(pod);
    this.touch(pod.metadata);
    this.podWatches.emit("MODIFIED", pod);
  }

  removePod(pod: Pod): void {
    this.podStore.delete(key(pod.metadata.namespace ?? "", pod.metadata.name ?? ""));
    this.podWatches.emit("DELETED", pod);
  }

  /**
   * Deletes the Job and, like the garbage collector, everything it owns; with `podsStopSlowly` its
   * pods stay, terminating (deletionTimestamp), until removed.
   */
  removeJob(namespace: string, name: string, podsStopSlowly: boolean): boolean {
    const job = this.jobStore.get(key(namespace, name));
    if (!job) return false;
    this.jobStore.delete(key(namespace, name));
    this.jobWatches.emit("DELETED", job);
    for (const pod of [...this.podStore.values()].filter((p) => ownedBy(p, job))) {
      if (!podsStopSlowly) {
        this.removePod(pod);
        continue;
      }
      pod.metadata.deletionTimestamp = new Date(0).toISOString();
      this.touch(pod.metadata);
      this.podWatches.emit("MODIFIED", pod);
    }
    for (const [secretKey, secret] of this.secretStore) {
      if (ownedBy(secret, job)) this.secretStore.delete(secretKey);
    }
    return true;
  }
}
