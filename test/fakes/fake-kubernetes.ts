/**
 * Kubernetes in memory, for unit tests that script the cluster's answers step by step: the Jobs,
 * pods and Secrets a test's run creates (fake-cluster-objects.ts), their pod states as the test
 * sets them, API faults (scripted-api-faults.ts) and broken watches. Selection and the Job
 * controller's success and failure conditions are the cluster model's (src/adapters/cluster-model,
 * the one simulation), so the fake and the local runtime cannot disagree on them.
 */
import {
  ownedSecret,
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
import { isJobFinished, markFailed, markSucceeded } from "../../src/adapters/cluster-model/job-conditions.js";
import { matchesLabelSelector, parseLabelSelector } from "../../src/adapters/cluster-model/label-selector.js";
import { FakeClusterObjects } from "./fake-cluster-objects.js";
import { apiError, ScriptedApiFaults, type FakeOperation, type LosableOperation } from "./scripted-api-faults.js";

export type { FakeOperation } from "./scripted-api-faults.js";

const clone = <T>(value: T): T => structuredClone(value);
/** The time the scripted Job conditions carry: tests script order, not time. */
const SCRIPTED_TIME = new Date(0).toISOString();

/** Label selection as the cluster does it: the cluster model's selector matcher, shared. */
export const matchesSelector = matchesLabelSelector;

export class FakeKubernetes implements KubernetesPort {
  namespace = "paperclip";
  ownPod: Pod = {
    metadata: { name: "paperclip-server-0", namespace: "paperclip", labels: { app: "paperclip" } },
    spec: { containers: [{ name: "paperclip", image: "ghcr.io/paperclipai/paperclip:latest" }] },
    status: { phase: "Running" },
  };
  /** Access checks answered "denied": `verb resource[/subresource]`. */
  readonly deniedAccess = new Set<string>();
  /** Access modes per claim name; a claim not listed does not exist. */
  readonly volumeClaims = new Map<string, readonly string[]>([["paperclip-data", ["ReadWriteMany"]]]);
  /** Every call, in order, for assertions on API usage. */
  readonly calls: Array<{ operation: FakeOperation | "watchJobs" | "watchPods"; detail: string }> = [];
  /** Creating a Job's pod on resume can be turned off to simulate a stuck controller. */
  createPodsOnResume = true;
  /**
   * When set, a deleted Job's pod stays, terminating (deletionTimestamp), until `finishStopping`:
   * a kubelet stops a pod's containers after the API accepted the deletion.
   */
  podsStopSlowly = false;

  private readonly objects = new FakeClusterObjects();
  private readonly faults = new ScriptedApiFaults();

  /** What the fake holds, by namespace/name: read them; change them through the scripted methods. */
  get jobs(): ReadonlyMap<string, Job> {
    return this.objects.jobs;
  }

  get pods(): ReadonlyMap<string, Pod> {
    return this.objects.pods;
  }

  get secrets(): ReadonlyMap<string, Secret> {
    return this.objects.secrets;
  }

  // ---- fault injection ----------------------------------------------------------------------

  failNext(operation: FakeOperation, kind: KubernetesErrorKind, times = 1): void {
    this.faults.failNext(operation, kind, times);
  }

  /** The next `operation` takes effect but its answer is lost: the caller sees a timeout. */
  loseNextAnswer(operation: LosableOperation): void {
    this.faults.loseNextAnswer(operation);
  }

  /** Ends every open watch with an error (410 Gone by default), as an expired watch would. */
  breakWatches(kind: KubernetesErrorKind = "gone"): void {
    const error = apiError(kind, "watch", `watch ended: ${kind}`);
    this.objects.jobWatches.interrupt(error);
    this.objects.podWatches.interrupt(error);
  }

  /** Every open watch goes silent without an error, as a stalled connection would. */
  silenceWatches(): void {
    this.objects.jobWatches.interrupt();
    this.objects.podWatches.interrupt();
  }

  get activeWatchCount(): number {
    return this.objects.jobWatches.size + this.objects.podWatches.size;
  }

  // ---- scripted transitions -----------------------------------------------------------------

  podOf(jobName: string, namespace = this.namespace): Pod | undefined {
    return this.objects.podOf(jobName, namespace);
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

  /** The main container terminated; the Job succeeds or fails as the Job controller decides it. */
  terminatePod(jobName: string, terminated: ContainerStateTerminated): void {
    this.updatePod(jobName, (pod) => {
      pod.status = {
        ...pod.status,
        phase: terminated.exitCode === 0 ? "Succeeded" : "Failed",
        containerStatuses: pod.spec.containers.map((c) => ({ name: c.name, state: { terminated } })),
      };
    });
    this.objects.updateJob(this.namespace, jobName, (job) => {
      if (terminated.exitCode === 0) markSucceeded(job, SCRIPTED_TIME);
      else markFailed(job, "BackoffLimitExceeded", SCRIPTED_TIME);
    });
  }

  /** Adds a condition as given; once the Job has finished, none of its pods is active. */
  setJobCondition(jobName: string, condition: JobCondition, namespace = this.namespace): void {
    this.objects.updateJob(namespace, jobName, (job) => {
      job.status = { ...job.status, conditions: [...(job.status?.conditions ?? []), condition] };
      if (condition.type === "Complete" && condition.status === "True") job.status.succeeded = 1;
      if (condition.type === "Failed" && condition.status === "True") job.status.failed = 1;
      if (isJobFinished(job)) job.status.active = 0;
    });
  }

  /** A terminating pod's containers have stopped: it goes. */
  finishStopping(jobName: string, namespace = this.namespace): void {
    const pod = this.podOf(jobName, namespace);
    if (pod) this.objects.removePod(pod);
  }

  /** Someone else deletes the Job (an operator, the TTL controller). */
  deleteJobExternally(jobName: string, namespace = this.namespace): void {
    this.objects.removeJob(namespace, jobName, this.podsStopSlowly);
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
    if (this.jobs.has(`${namespace}/${name}`))
      throw apiError("conflict", "createJob", `jobs.batch "${name}" already exists`);
    const stored = clone(job);
    stored.metadata = { ...stored.metadata, namespace, uid: this.objects.nextUid() };
    stored.status = { active: 0 };
    this.objects.addJob(namespace, stored);
    if (stored.spec.suspend !== true) this.createPod(stored);
    this.faults.afterEffect("createJob");
    return clone(stored);
  }

  async readJob(namespace: string, name: string): Promise<Job | null> {
    this.enter("readJob", name);
    const job = this.jobs.get(`${namespace}/${name}`);
    return job ? clone(job) : null;
  }

  async listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    this.enter("listJobs", labelSelector);
    return this.selected(this.jobs, namespace, labelSelector);
  }

  async resumeJob(namespace: string, name: string): Promise<void> {
    this.enter("resumeJob", name);
    const job = this.jobs.get(`${namespace}/${name}`);
    if (!job) throw apiError("not_found", "resumeJob", `jobs.batch "${name}" not found`);
    if (job.spec.suspend !== true) return;
    this.objects.updateJob(namespace, name, (j) => (j.spec.suspend = false));
    this.createPod(job);
  }

  async deleteJob(namespace: string, name: string, _propagation: DeletePropagation): Promise<boolean> {
    this.enter("deleteJob", name);
    const removed = this.objects.removeJob(namespace, name, this.podsStopSlowly);
    this.faults.afterEffect("deleteJob");
    return removed;
  }

  async createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void> {
    const name = secret.metadata.name ?? "";
    this.enter("createOwnedSecret", name);
    if (this.secrets.has(`${namespace}/${name}`)) {
      throw apiError("conflict", "createOwnedSecret", `secrets "${name}" already exists`);
    }
    const stored = ownedSecret(secret, owner);
    stored.metadata = { ...stored.metadata, namespace, uid: this.objects.nextUid() };
    this.objects.addSecret(namespace, stored);
    this.faults.afterEffect("createOwnedSecret");
  }

  async listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    this.enter("listPods", labelSelector);
    return this.selected(this.pods, namespace, labelSelector);
  }

  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription {
    this.calls.push({ operation: "watchJobs", detail: labelSelector });
    return this.objects.jobWatches.subscribe(
      namespace,
      parseLabelSelector(labelSelector),
      observer,
      this.jobs.values(),
    );
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    this.calls.push({ operation: "watchPods", detail: labelSelector });
    return this.objects.podWatches.subscribe(
      namespace,
      parseLabelSelector(labelSelector),
      observer,
      this.pods.values(),
    );
  }

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

  private enter(operation: FakeOperation, detail: string): void {
    this.calls.push({ operation, detail });
    this.faults.beforeCall(operation);
  }

  private selected<T extends Job | Pod>(objects: ReadonlyMap<string, T>, namespace: string, selector: string): T[] {
    return [...objects.values()]
      .filter((o) => o.metadata.namespace === namespace && matchesLabelSelector(o.metadata.labels, selector))
      .map(clone);
  }

  private createPod(job: Job): void {
    if (this.createPodsOnResume) this.objects.createPod(job, job.metadata.namespace ?? this.namespace);
  }

  private updatePod(jobName: string, change: (pod: Pod) => void): void {
    this.objects.updatePod(this.namespace, jobName, change);
  }
}
