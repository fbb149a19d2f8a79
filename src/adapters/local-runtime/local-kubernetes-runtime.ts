/**
 * `KubernetesPort` on one machine: the Jobs and Secrets the adapter builds are stored here and
 * their pods run as local processes (LocalPodRunner), with what a cluster would report — pod
 * phases and container states, Job conditions, suspend/resume, deletion with propagation and
 * owner-reference garbage collection, activeDeadlineSeconds and ttlSecondsAfterFinished.
 *
 * Deadlines and TTLs run on the injected ClockPort (tests drive them with ManualClock while the
 * processes stay real); the SIGTERM → SIGKILL grace is wall time. `shutdown()` kills every pod it
 * started, waits for them, and removes every sandbox, so nothing outlives the runtime.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { randomUUID } from "node:crypto";
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, ObjectMeta, Pod, Secret } from "../../ports/kubernetes-objects.js";
import {
  KubernetesApiError,
  type AccessCheck,
  type AccessDecision,
  type DeletePropagation,
  type JobReference,
  type KubernetesPort,
  type WatchObserver,
  type WatchSubscription,
} from "../../ports/kubernetes-port.js";
import { SystemClock } from "../system-clock.js";
import { jobAdmissionProblems } from "./job-admission.js";
import {
  isJobFinished,
  markFailed,
  markFailureTarget,
  markStarted,
  markSucceeded,
  markSuspended,
  type JobFailureReason,
} from "./job-conditions.js";
import { matchesLabelSelector } from "./label-selector.js";
import { DEFAULT_DATA_CLAIM_NAME, LocalPodRunner, type PodStatus, type RunningPod } from "./local-pod-runner.js";
import { normalizeAbsolutePath, type DataVolumeRule } from "./mount-table.js";
import { syntheticOwnPod } from "./synthetic-own-pod.js";
import { WatchHub } from "./watch-hub.js";

export interface LocalKubernetesRuntimeOptions {
  /** Absolute local directory that is the data volume; config dataMountPath must equal it. */
  readonly dataDirectory: string;
  /** Directories put first on every container's PATH (e.g. the Claude stand-in's bin). */
  readonly pathPrepend?: readonly string[];
  /** Namespace this "cluster" reports as current. Default "local". */
  readonly namespace?: string;
  /** Where pod sandboxes go. Default: a fresh temp directory, removed by shutdown(). */
  readonly sandboxRoot?: string;
  /** PVC claim name meaning the data volume. Default "paperclip-data". */
  readonly dataClaimName?: string;
  /** Literal env of the synthetic server pod, inherited by Jobs (e.g. PAPERCLIP_API_URL). */
  readonly serverEnv?: Readonly<Record<string, string>>;
  /** SIGTERM → SIGKILL grace on delete and deadline; default the pod's terminationGracePeriodSeconds. */
  readonly killGraceMs?: number;
  /** Time for activeDeadlineSeconds and ttlSecondsAfterFinished. Default: the system clock. */
  readonly clock?: ClockPort;
  /** PATH containers start from (before pathPrepend). Default: this process's PATH. */
  readonly basePath?: string;
  /** Retry interval of a pod waiting for a missing Secret. Default 1000 ms. */
  readonly retryMs?: number;
}

interface StoredJob {
  job: Job;
  /** Cancels this Job's deadline and TTL timers. */
  readonly timers: AbortController;
  failing?: JobFailureReason;
}

interface StoredPod {
  pod: Pod;
  running?: RunningPod;
  deleting?: Promise<void>;
}

const POD_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const MOUNTS_ANNOTATION = "local-runtime.claude-k8s/mounts";

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
const notFound = (operation: string, what: string) =>
  new KubernetesApiError("not_found", operation, `${what} not found`, 404);

export class LocalKubernetesRuntime implements KubernetesPort {
  private readonly jobs = new Map<string, StoredJob>();
  private readonly pods = new Map<string, StoredPod>();
  private readonly secrets = new Map<string, Secret>();
  private readonly jobWatches = new WatchHub<Job>();
  private readonly podWatches = new WatchHub<Pod>();
  private readonly clock: ClockPort;
  private readonly rule: DataVolumeRule;
  private readonly namespace: string;
  private resourceVersion = 1;
  private runner: Promise<LocalPodRunner> | undefined;
  private createdSandboxRoot: string | undefined;
  private closed = false;

  constructor(private readonly options: LocalKubernetesRuntimeOptions) {
    if (!options.dataDirectory.startsWith("/")) {
      throw new Error(
        `LocalKubernetesRuntime: dataDirectory must be an absolute path (got "${options.dataDirectory}")`,
      );
    }
    this.clock = options.clock ?? new SystemClock();
    this.namespace = options.namespace ?? "local";
    this.rule = {
      dataDirectory: normalizeAbsolutePath(options.dataDirectory),
      dataClaimName: options.dataClaimName ?? DEFAULT_DATA_CLAIM_NAME,
    };
  }

  // ---- KubernetesPort ---------------------------------------------------------------------------

  async currentNamespace(): Promise<string> {
    this.assertOpen("currentNamespace");
    return this.namespace;
  }

  async readOwnPod(): Promise<Pod> {
    this.assertOpen("readOwnPod");
    return syntheticOwnPod({
      namespace: this.namespace,
      dataDirectory: this.rule.dataDirectory,
      dataClaimName: this.rule.dataClaimName,
      env: this.options.serverEnv ?? {},
    });
  }

  async createJob(namespace: string, job: Job): Promise<Job> {
    this.assertOpen("createJob");
    const name = job.metadata.name ?? "";
    const problems = jobAdmissionProblems(job, this.rule);
    if (problems.length > 0) {
      throw new KubernetesApiError(
        "invalid",
        "createJob",
        `local runtime refuses Job "${name}": ${problems.join("; ")}`,
        422,
      );
    }
    const key = keyOf(namespace, name);
    if (this.jobs.has(key)) {
      throw new KubernetesApiError("conflict", "createJob", `jobs.batch "${name}" already exists`, 409);
    }
    const stored: StoredJob = { job: structuredClone(job), timers: new AbortController() };
    stored.job.apiVersion = "batch/v1";
    stored.job.kind = "Job";
    stored.job.metadata = { ...stored.job.metadata, namespace, uid: randomUUID(), creationTimestamp: this.timestamp() };
    stored.job.status = {};
    if (stored.job.spec.suspend === true) markSuspended(stored.job, this.timestamp());
    this.touch(stored.job.metadata);
    this.jobs.set(key, stored);
    this.jobWatches.emit("ADDED", stored.job);
    if (stored.job.spec.suspend !== true) await this.startJob(stored);
    return structuredClone(stored.job);
  }

  async readJob(namespace: string, name: string): Promise<Job | null> {
    this.assertOpen("readJob");
    const stored = this.jobs.get(keyOf(namespace, name));
    return stored ? structuredClone(stored.job) : null;
  }

  async listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    this.assertOpen("listJobs");
    return this.select(
      [...this.jobs.values()].map((s) => s.job),
      namespace,
      labelSelector,
      "listJobs",
    );
  }

  async resumeJob(namespace: string, name: string): Promise<void> {
    this.assertOpen("resumeJob");
    const stored = this.jobs.get(keyOf(namespace, name));
    if (!stored) throw notFound("resumeJob", `jobs.batch "${name}"`);
    if (stored.job.spec.suspend !== true) return;
    stored.job.spec.suspend = false;
    await this.startJob(stored);
  }

  async deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<boolean> {
    this.assertOpen("deleteJob");
    const stored = this.jobs.get(keyOf(namespace, name));
    if (!stored || stored.job.metadata.deletionTimestamp) return stored !== undefined;
    stored.timers.abort();
    const uid = stored.job.metadata.uid ?? "";
    if (propagation === "Orphan") {
      this.removeJob(stored);
      this.orphanDependents(uid);
    } else if (propagation === "Foreground") {
      // The Job stays (with a deletionTimestamp) until its pods are gone, then goes with its Secret.
      stored.job.metadata.deletionTimestamp = this.timestamp();
      this.touch(stored.job.metadata);
      this.jobWatches.emit("MODIFIED", stored.job);
      void Promise.all(this.deletePodsOwnedBy(uid)).finally(() => {
        this.removeJob(stored);
        this.collectSecrets();
      });
    } else {
      this.removeJob(stored);
      this.deletePodsOwnedBy(uid);
      this.collectSecrets();
    }
    return true;
  }

  async createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void> {
    this.assertOpen("createOwnedSecret");
    const name = secret.metadata.name ?? "";
    const key = keyOf(namespace, name);
    if (this.secrets.has(key)) {
      throw new KubernetesApiError("conflict", "createOwnedSecret", `secrets "${name}" already exists`, 409);
    }
    const stored = structuredClone(secret);
    stored.metadata = {
      ...stored.metadata,
      namespace,
      uid: randomUUID(),
      creationTimestamp: this.timestamp(),
      ownerReferences: [
        {
          apiVersion: "batch/v1",
          kind: "Job",
          name: owner.name,
          uid: owner.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    };
    this.touch(stored.metadata);
    this.secrets.set(key, stored);
    // As the garbage collector would: a Secret whose owner is already gone does not survive.
    this.collectSecrets();
  }

  async listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    this.assertOpen("listPods");
    return this.select(
      [...this.pods.values()].map((s) => s.pod),
      namespace,
      labelSelector,
      "listPods",
    );
  }

  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription {
    this.assertOpen("watchJobs");
    this.assertSelector(labelSelector, "watchJobs");
    return this.jobWatches.subscribe(
      namespace,
      labelSelector,
      observer,
      [...this.jobs.values()].map((s) => s.job),
    );
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    this.assertOpen("watchPods");
    this.assertSelector(labelSelector, "watchPods");
    return this.podWatches.subscribe(
      namespace,
      labelSelector,
      observer,
      [...this.pods.values()].map((s) => s.pod),
    );
  }

  async reviewAccess(checks: readonly AccessCheck[]): Promise<AccessDecision[]> {
    this.assertOpen("reviewAccess");
    return checks.map((check) => ({ check, allowed: true, reason: "the local runtime allows everything" }));
  }

  // ---- local extras (tests, demos, embedders) ---------------------------------------------------

  /** A container's stdout+stderr ("kubectl logs"); empty once the pod is deleted. */
  async podLogs(namespace: string, podName: string, containerName?: string): Promise<string> {
    const stored = this.pods.get(keyOf(namespace, podName));
    const container = containerName ?? stored?.pod.spec.containers[0]?.name;
    if (!stored?.running || container === undefined) return "";
    return stored.running.readLog(container);
  }

  /** The process groups a pod's containers ran in, to prove none is left after a kill. */
  processGroupsOf(namespace: string, podName: string): readonly number[] {
    return this.pods.get(keyOf(namespace, podName))?.running?.processGroupIds() ?? [];
  }

  /** The pod's sandbox on this machine (volumes, logs); removed when the pod is deleted. */
  sandboxDirectoryOf(namespace: string, podName: string): string | undefined {
    return this.pods.get(keyOf(namespace, podName))?.running?.sandboxDirectory;
  }

  /** Secrets currently stored (GC checks); values included, so only for tests. */
  secretNames(namespace: string): string[] {
    return [...this.secrets.values()]
      .filter((s) => s.metadata.namespace === namespace)
      .map((s) => s.metadata.name ?? "");
  }

  /** Resolves once every pod deletion in flight (delete, deadline, TTL) has finished. */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.pods.values()].flatMap((s) => (s.deleting ? [s.deleting] : []));
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  /** Kills every pod this runtime started, waits for them, and removes all sandboxes. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stored of this.jobs.values()) stored.timers.abort();
    await Promise.all([...this.pods.values()].map((stored) => stored.deleting ?? stored.running?.dispose()));
    if (this.createdSandboxRoot) await rm(this.createdSandboxRoot, { recursive: true, force: true });
  }

  // ---- the Job controller -----------------------------------------------------------------------

  private async startJob(stored: StoredJob): Promise<void> {
    const runner = await this.podRunner();
    const job = stored.job;
    markStarted(job, this.timestamp());
    this.touch(job.metadata);
    this.jobWatches.emit("MODIFIED", job);

    const pod = this.podFor(job);
    // Where each mount really is on this machine, visible to anyone listing the pod.
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [MOUNTS_ANNOTATION]: JSON.stringify(runner.mountMappings(pod)),
    };
    const podKey = keyOf(pod.metadata.namespace ?? "", pod.metadata.name ?? "");
    const podEntry: StoredPod = { pod };
    this.pods.set(podKey, podEntry);
    this.touch(pod.metadata);
    this.podWatches.emit("ADDED", pod);
    const namespace = job.metadata.namespace ?? "";
    podEntry.running = runner.run(
      pod,
      (name) => this.secrets.get(keyOf(namespace, name)),
      (status) => this.onPodStatus(podKey, status),
    );
    this.watchDeadline(stored);
  }

  private podFor(job: Job): Pod {
    const jobName = job.metadata.name ?? "";
    const uid = job.metadata.uid ?? "";
    const template = structuredClone(job.spec.template);
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `${jobName.slice(0, 57)}-${randomSuffix()}`,
        namespace: job.metadata.namespace ?? this.namespace,
        uid: randomUUID(),
        creationTimestamp: this.timestamp(),
        labels: {
          ...template.metadata?.labels,
          "batch.kubernetes.io/controller-uid": uid,
          "batch.kubernetes.io/job-name": jobName,
          "controller-uid": uid,
          "job-name": jobName,
        },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [
          { apiVersion: "batch/v1", kind: "Job", name: jobName, uid, controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: { ...template.spec, nodeName: "local" },
      status: { phase: "Pending" },
    };
  }

  private onPodStatus(podKey: string, status: PodStatus): void {
    const entry = this.pods.get(podKey);
    if (!entry) return;
    entry.pod.status = status;
    this.touch(entry.pod.metadata);
    this.podWatches.emit("MODIFIED", entry.pod);
    if (status.phase === "Succeeded" || status.phase === "Failed") this.onPodFinished(entry.pod, status.phase);
  }

  private onPodFinished(pod: Pod, phase: "Succeeded" | "Failed"): void {
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === "Job");
    const stored = owner ? this.jobByUid(owner.uid) : undefined;
    if (!stored || isJobFinished(stored.job) || stored.job.metadata.deletionTimestamp) return;
    const at = this.timestamp();
    if (stored.failing) markFailed(stored.job, stored.failing, at);
    else if (phase === "Succeeded") markSucceeded(stored.job, at);
    else markFailed(stored.job, "BackoffLimitExceeded", at);
    this.touch(stored.job.metadata);
    this.jobWatches.emit("MODIFIED", stored.job);
    this.scheduleTtl(stored);
  }

  /** activeDeadlineSeconds, counted from startTime: fail the Job and delete its pods. */
  private watchDeadline(stored: StoredJob): void {
    const seconds = stored.job.spec.activeDeadlineSeconds;
    if (seconds === undefined) return;
    void this.clock.sleep(seconds * 1000, stored.timers.signal).then((outcome) => {
      if (outcome !== "elapsed" || isJobFinished(stored.job) || !this.jobs.has(this.keyOfJob(stored.job))) return;
      stored.failing = "DeadlineExceeded";
      markFailureTarget(stored.job, "DeadlineExceeded", this.timestamp());
      this.touch(stored.job.metadata);
      this.jobWatches.emit("MODIFIED", stored.job);
      this.deletePodsOwnedBy(stored.job.metadata.uid ?? "");
    });
  }

  private scheduleTtl(stored: StoredJob): void {
    const seconds = stored.job.spec.ttlSecondsAfterFinished;
    if (seconds === undefined) return;
    void this.clock.sleep(seconds * 1000, stored.timers.signal).then((outcome) => {
      if (outcome !== "elapsed" || this.closed) return;
      void this.deleteJob(stored.job.metadata.namespace ?? "", stored.job.metadata.name ?? "", "Background");
    });
  }

  // ---- deletion and garbage collection ---------------------------------------------------------

  private removeJob(stored: StoredJob): void {
    if (!this.jobs.delete(this.keyOfJob(stored.job))) return;
    stored.timers.abort();
    this.jobWatches.emit("DELETED", stored.job);
  }

  /** Deletes each pod the Job owns: graceful termination, then removal and sandbox cleanup. */
  private deletePodsOwnedBy(uid: string): Array<Promise<void>> {
    return [...this.pods.entries()]
      .filter(([, entry]) => entry.pod.metadata.ownerReferences?.some((o) => o.uid === uid))
      .map(([key, entry]) => this.deletePod(key, entry));
  }

  private deletePod(key: string, entry: StoredPod): Promise<void> {
    if (entry.deleting) return entry.deleting;
    entry.pod.metadata.deletionTimestamp = this.timestamp();
    this.touch(entry.pod.metadata);
    this.podWatches.emit("MODIFIED", entry.pod);
    entry.deleting = (async () => {
      try {
        await entry.running?.dispose(this.options.killGraceMs);
      } finally {
        this.pods.delete(key);
        this.touch(entry.pod.metadata);
        this.podWatches.emit("DELETED", entry.pod);
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
    for (const entry of this.pods.values()) {
      if (!strip(entry.pod.metadata)) continue;
      this.touch(entry.pod.metadata);
      this.podWatches.emit("MODIFIED", entry.pod);
    }
    for (const secret of this.secrets.values()) if (strip(secret.metadata)) this.touch(secret.metadata);
  }

  /** Deletes every Secret whose owners are all gone (an ownerless Secret is kept). */
  private collectSecrets(): void {
    for (const [key, secret] of this.secrets) {
      const owners = secret.metadata.ownerReferences ?? [];
      if (owners.length > 0 && owners.every((o) => this.jobByUid(o.uid) === undefined)) this.secrets.delete(key);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private podRunner(): Promise<LocalPodRunner> {
    this.runner ??= (async () => {
      let sandboxRoot = this.options.sandboxRoot;
      if (sandboxRoot === undefined) {
        sandboxRoot = await mkdtemp(`${tmpdir()}/claude-k8s-local-`);
        this.createdSandboxRoot = sandboxRoot;
      }
      return new LocalPodRunner({
        sandboxRoot,
        dataDirectory: this.rule.dataDirectory,
        dataClaimName: this.rule.dataClaimName,
        ...(this.options.pathPrepend ? { pathPrepend: this.options.pathPrepend } : {}),
        ...(this.options.basePath !== undefined ? { basePath: this.options.basePath } : {}),
        ...(this.options.killGraceMs !== undefined ? { killGraceMs: this.options.killGraceMs } : {}),
        ...(this.options.retryMs !== undefined ? { retryMs: this.options.retryMs } : {}),
      });
    })();
    return this.runner;
  }

  private jobByUid(uid: string): StoredJob | undefined {
    return [...this.jobs.values()].find((s) => s.job.metadata.uid === uid);
  }

  private keyOfJob(job: Job): string {
    return keyOf(job.metadata.namespace ?? "", job.metadata.name ?? "");
  }

  private select<T extends Job | Pod>(objects: T[], namespace: string, selector: string, operation: string): T[] {
    this.assertSelector(selector, operation);
    return objects
      .filter((o) => o.metadata.namespace === namespace && matchesLabelSelector(o.metadata.labels, selector))
      .map((o) => structuredClone(o));
  }

  private assertSelector(selector: string, operation: string): void {
    try {
      matchesLabelSelector(undefined, selector);
    } catch (error) {
      throw new KubernetesApiError("invalid", operation, (error as Error).message, 400);
    }
  }

  private touch(metadata: ObjectMeta): void {
    metadata.resourceVersion = String(this.resourceVersion++);
  }

  private timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private assertOpen(operation: string): void {
    if (this.closed) {
      throw new KubernetesApiError("unavailable", operation, "the local runtime was shut down", undefined);
    }
  }
}

function randomSuffix(): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += POD_NAME_ALPHABET[Math.floor(Math.random() * POD_NAME_ALPHABET.length)];
  return suffix;
}
