import {
  KubernetesApiError,
  jobOwnerReference,
  type AccessCheck,
  type AccessDecision,
  type DeletePropagation,
  type JobReference,
  type KubernetesErrorKind,
  type KubernetesPort,
  type WatchObserver,
  type WatchSubscription,
} from "../../src/ports/kubernetes-port.js";
import type { ContainerStateTerminated, Job, JobCondition, Pod, Secret } from "../../src/ports/kubernetes-objects.js";
import { matchesLabelSelector, parseLabelSelector } from "../../src/adapters/cluster-model/label-selector.js";
import { WatchHub } from "../../src/adapters/cluster-model/watch-hub.js";

export type FakeOperation =
  | "currentNamespace"
  | "readOwnPod"
  | "createJob"
  | "readJob"
  | "listJobs"
  | "resumeJob"
  | "deleteJob"
  | "createOwnedSecret"
  | "listPods"
  | "readVolumeClaim"
  | "reviewAccess";

const STATUS_OF: Record<KubernetesErrorKind, number | undefined> = {
  not_found: 404,
  conflict: 409,
  gone: 410,
  unauthorized: 401,
  forbidden: 403,
  invalid: 422,
  server_error: 500,
  timeout: undefined,
  network: undefined,
  unavailable: undefined,
};

interface Fault {
  readonly operation: FakeOperation;
  readonly kind: KubernetesErrorKind;
  remaining: number;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Label selection as the cluster does it: the local runtime's selector matcher, shared. */
export const matchesSelector = matchesLabelSelector;

/**
 * Kubernetes in memory. Jobs, pods and Secrets live in a store with resourceVersions; resuming a
 * Job creates its pod; tests script the pod's life (`startPod`, `terminatePod`, `failJob`, ...),
 * inject API errors per operation (404, 409, 410, 500, timeouts), and break watches.
 */
export class FakeKubernetes implements KubernetesPort {
  namespace = "paperclip";
  ownPod: Pod = {
    metadata: { name: "paperclip-server-0", namespace: "paperclip", labels: { app: "paperclip" } },
    spec: { containers: [{ name: "paperclip", image: "ghcr.io/paperclipai/paperclip:latest" }] },
    status: { phase: "Running" },
  };
  /** Access checks answered "denied": `verb resource[/subresource]`. */
  readonly deniedAccess = new Set<string>();
  /** Every call, in order, for assertions on API usage. */
  readonly calls: Array<{ operation: FakeOperation | "watchJobs" | "watchPods"; detail: string }> = [];
  /** Creating a Job's pod on resume can be turned off to simulate a stuck controller. */
  createPodsOnResume = true;
  /**
   * When set, a deleted Job's pod stays, terminating (deletionTimestamp), until `finishStopping`:
   * a kubelet stops a pod's containers after the API accepted the deletion.
   */
  podsStopSlowly = false;

  readonly jobs = new Map<string, Job>();
  readonly pods = new Map<string, Pod>();
  readonly secrets = new Map<string, Secret>();

  private readonly faults: Fault[] = [];
  private readonly lostAnswers: FakeOperation[] = [];
  private readonly jobWatches = new WatchHub<Job>();
  private readonly podWatches = new WatchHub<Pod>();
  private resourceVersion = 1;
  private uidCounter = 1;

  // ---- fault injection ----------------------------------------------------------------------

  failNext(operation: FakeOperation, kind: KubernetesErrorKind, times = 1): void {
    this.faults.push({ operation, kind, remaining: times });
  }

  /** The next `operation` takes effect but its answer is lost: the caller sees a timeout. */
  loseNextAnswer(operation: "createJob" | "createOwnedSecret" | "deleteJob"): void {
    this.lostAnswers.push(operation);
  }

  /** Ends every open watch with an error (410 Gone by default), as an expired watch would. */
  breakWatches(kind: KubernetesErrorKind = "gone"): void {
    const error = new KubernetesApiError(kind, "watch", `watch ended: ${kind}`, STATUS_OF[kind]);
    this.jobWatches.interrupt(error);
    this.podWatches.interrupt(error);
  }

  /** Every open watch goes silent without an error, as a stalled connection would. */
  silenceWatches(): void {
    this.jobWatches.interrupt();
    this.podWatches.interrupt();
  }

  get activeWatchCount(): number {
    return this.jobWatches.size + this.podWatches.size;
  }

  // ---- scripted transitions -----------------------------------------------------------------

  podOf(jobName: string, namespace = this.namespace): Pod | undefined {
    return [...this.pods.values()].find(
      (p) => p.metadata.namespace === namespace && p.metadata.labels?.["job-name"] === jobName,
    );
  }

  /** Pod scheduled and its main container running. */
  startPod(jobName: string, nodeName = "node-a"): void {
    this.updatePod(jobName, (pod) => {
      pod.spec.nodeName = nodeName;
      pod.status = {
        phase: "Running",
        conditions: [{ type: "PodScheduled", status: "True" }],
        containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, state: { running: {} } })),
      };
    });
  }

  /** Leaves the pod Pending with a waiting reason (ErrImagePull, ContainerCreating, ...). */
  setPodWaiting(jobName: string, reason: string, message = ""): void {
    this.updatePod(jobName, (pod) => {
      pod.status = {
        phase: "Pending",
        containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, state: { waiting: { reason, message } } })),
      };
    });
  }

  setPodUnschedulable(jobName: string, message: string): void {
    this.updatePod(jobName, (pod) => {
      pod.status = {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }],
      };
    });
  }

  /** Replaces the pod's status (init container statuses, pod-level reasons, ...). */
  setPodStatus(jobName: string, status: NonNullable<Pod["status"]>, nodeName?: string): void {
    this.updatePod(jobName, (pod) => {
      pod.status = clone(status);
      if (nodeName !== undefined) pod.spec.nodeName = nodeName;
    });
  }

  /** The main container terminated; the Job condition follows the exit code. */
  terminatePod(jobName: string, terminated: ContainerStateTerminated): void {
    this.updatePod(jobName, (pod) => {
      pod.status = {
        ...pod.status,
        phase: terminated.exitCode === 0 ? "Succeeded" : "Failed",
        containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, state: { terminated } })),
      };
    });
    this.setJobCondition(
      jobName,
      terminated.exitCode === 0
        ? { type: "Complete", status: "True" }
        : { type: "Failed", status: "True", reason: "BackoffLimitExceeded" },
    );
  }

  setJobCondition(jobName: string, condition: JobCondition, namespace = this.namespace): void {
    const job = this.jobs.get(`${namespace}/${jobName}`);
    if (!job) throw new Error(`FakeKubernetes: no job ${jobName}`);
    job.status = { ...job.status, conditions: [...(job.status?.conditions ?? []), condition] };
    if (condition.type === "Complete") job.status.succeeded = 1;
    if (condition.type === "Failed") job.status.failed = 1;
    job.status.active = 0;
    this.touch(job.metadata);
    this.jobWatches.emit("MODIFIED", job);
  }

  /** A terminating pod's containers have stopped: it goes. */
  finishStopping(jobName: string, namespace = this.namespace): void {
    const pod = this.podOf(jobName, namespace);
    if (!pod) return;
    this.pods.delete(`${namespace}/${pod.metadata.name ?? ""}`);
    this.podWatches.emit("DELETED", pod);
  }

  /** Someone else deletes the Job (an operator, the TTL controller). */
  deleteJobExternally(jobName: string, namespace = this.namespace): void {
    this.removeJob(namespace, jobName);
  }

  // ---- KubernetesPort -----------------------------------------------------------------------

  async currentNamespace(): Promise<string> {
    this.enter("currentNamespace", "");
    return this.namespace;
  }

  async readOwnPod(): Promise<Pod> {
    this.enter("readOwnPod", "");
    return clone(this.ownPod);
  }

  async createJob(namespace: string, job: Job): Promise<Job> {
    const name = job.metadata.name ?? "";
    this.enter("createJob", name);
    const key = `${namespace}/${name}`;
    if (this.jobs.has(key)) {
      throw new KubernetesApiError("conflict", "createJob", `jobs.batch "${name}" already exists`, 409);
    }
    const stored = clone(job);
    stored.metadata = { ...stored.metadata, namespace, uid: `uid-${this.uidCounter++}` };
    stored.status = { active: 0 };
    this.touch(stored.metadata);
    this.jobs.set(key, stored);
    this.jobWatches.emit("ADDED", stored);
    if (stored.spec.suspend !== true) this.createPod(stored);
    this.answer("createJob");
    return clone(stored);
  }

  async readJob(namespace: string, name: string): Promise<Job | null> {
    this.enter("readJob", name);
    const job = this.jobs.get(`${namespace}/${name}`);
    return job ? clone(job) : null;
  }

  async listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    this.enter("listJobs", labelSelector);
    return [...this.jobs.values()]
      .filter((j) => j.metadata.namespace === namespace && matchesSelector(j.metadata.labels, labelSelector))
      .map(clone);
  }

  async resumeJob(namespace: string, name: string): Promise<void> {
    this.enter("resumeJob", name);
    const job = this.jobs.get(`${namespace}/${name}`);
    if (!job) throw new KubernetesApiError("not_found", "resumeJob", `jobs.batch "${name}" not found`, 404);
    if (job.spec.suspend !== true) return;
    job.spec.suspend = false;
    this.touch(job.metadata);
    this.jobWatches.emit("MODIFIED", job);
    this.createPod(job);
  }

  async deleteJob(namespace: string, name: string, _propagation: DeletePropagation): Promise<boolean> {
    this.enter("deleteJob", name);
    const removed = this.removeJob(namespace, name);
    this.answer("deleteJob");
    return removed;
  }

  async createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void> {
    const name = secret.metadata.name ?? "";
    this.enter("createOwnedSecret", name);
    const key = `${namespace}/${name}`;
    if (this.secrets.has(key)) {
      throw new KubernetesApiError("conflict", "createOwnedSecret", `secrets "${name}" already exists`, 409);
    }
    const stored = clone(secret);
    stored.metadata = {
      ...stored.metadata,
      namespace,
      uid: `uid-${this.uidCounter++}`,
      ownerReferences: [jobOwnerReference(owner)],
    };
    this.touch(stored.metadata);
    this.secrets.set(key, stored);
    this.answer("createOwnedSecret");
  }

  async listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    this.enter("listPods", labelSelector);
    return [...this.pods.values()]
      .filter((p) => p.metadata.namespace === namespace && matchesSelector(p.metadata.labels, labelSelector))
      .map(clone);
  }

  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription {
    this.calls.push({ operation: "watchJobs", detail: labelSelector });
    return this.jobWatches.subscribe(namespace, parseLabelSelector(labelSelector), observer, this.jobs.values());
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    this.calls.push({ operation: "watchPods", detail: labelSelector });
    return this.podWatches.subscribe(namespace, parseLabelSelector(labelSelector), observer, this.pods.values());
  }

  /** Access modes per claim name; a claim not listed does not exist. */
  readonly volumeClaims = new Map<string, readonly string[]>([["paperclip-data", ["ReadWriteMany"]]]);

  async readVolumeClaimAccessModes(_namespace: string, claimName: string): Promise<readonly string[] | null> {
    this.enter("readVolumeClaim", claimName);
    return this.volumeClaims.get(claimName) ?? null;
  }

  async reviewAccess(checks: readonly AccessCheck[]): Promise<AccessDecision[]> {
    this.enter("reviewAccess", String(checks.length));
    return checks.map((check) => {
      const key = `${check.verb} ${check.resource}${check.subresource ? `/${check.subresource}` : ""}`;
      const allowed = !this.deniedAccess.has(key);
      return { check, allowed, ...(allowed ? {} : { reason: "denied by FakeKubernetes" }) };
    });
  }

  // ---- internals --------------------------------------------------------------------------

  /** Throws a timeout after the call took effect when its answer was set to be lost. */
  private answer(operation: FakeOperation): void {
    const lost = this.lostAnswers.indexOf(operation);
    if (lost < 0) return;
    this.lostAnswers.splice(lost, 1);
    throw new KubernetesApiError("timeout", operation, `answer to ${operation} lost (timeout)`);
  }

  private enter(operation: FakeOperation, detail: string): void {
    this.calls.push({ operation, detail });
    const fault = this.faults.find((f) => f.operation === operation && f.remaining > 0);
    if (!fault) return;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    throw new KubernetesApiError(
      fault.kind,
      operation,
      `injected ${fault.kind} on ${operation}`,
      STATUS_OF[fault.kind],
    );
  }

  private touch(metadata: { resourceVersion?: string }): void {
    metadata.resourceVersion = String(this.resourceVersion++);
  }

  private createPod(job: Job): void {
    if (!this.createPodsOnResume) return;
    const jobName = job.metadata.name ?? "";
    const namespace = job.metadata.namespace ?? this.namespace;
    const name = `${jobName}-${String(this.uidCounter++).padStart(5, "0")}`;
    const pod: Pod = {
      metadata: {
        name,
        namespace,
        uid: `uid-${this.uidCounter++}`,
        labels: { ...job.spec.template.metadata?.labels, "job-name": jobName },
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: jobName, uid: job.metadata.uid ?? "" }],
      },
      spec: clone(job.spec.template.spec),
      status: { phase: "Pending" },
    };
    this.touch(pod.metadata);
    this.pods.set(`${namespace}/${name}`, pod);
    job.status = { ...job.status, active: 1 };
    this.podWatches.emit("ADDED", pod);
  }

  private updatePod(jobName: string, change: (pod: Pod) => void): void {
    const pod = this.podOf(jobName);
    if (!pod) throw new Error(`FakeKubernetes: no pod for job ${jobName}`);
    change(pod);
    this.touch(pod.metadata);
    this.podWatches.emit("MODIFIED", pod);
  }

  /** Deletes the Job and, like the garbage collector, everything it owns. */
  private removeJob(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    const job = this.jobs.get(key);
    if (!job) return false;
    this.jobs.delete(key);
    this.jobWatches.emit("DELETED", job);
    for (const [podKey, pod] of this.pods) {
      if (!pod.metadata.ownerReferences?.some((o) => o.uid === job.metadata.uid)) continue;
      if (this.podsStopSlowly) {
        pod.metadata.deletionTimestamp = new Date(0).toISOString();
        this.touch(pod.metadata);
        this.podWatches.emit("MODIFIED", pod);
        continue;
      }
      this.pods.delete(podKey);
      this.podWatches.emit("DELETED", pod);
    }
    for (const [secretKey, secret] of this.secrets) {
      if (secret.metadata.ownerReferences?.some((o) => o.uid === job.metadata.uid)) this.secrets.delete(secretKey);
    }
    return true;
  }
}
