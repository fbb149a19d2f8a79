/**
 * The local runtime's "etcd": Jobs, pods and Secrets by namespace/name, resourceVersions, and the
 * watch hubs that announce every change. No behaviour beyond storing and announcing.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, ObjectMeta, Pod, Secret } from "../../ports/kubernetes-objects.js";
import { KubernetesApiError } from "../../ports/kubernetes-port.js";
import type { JobFailureReason } from "../cluster-model/job-conditions.js";
import { LabelSelectorError, parseLabelSelector, type LabelSelector } from "../cluster-model/label-selector.js";
import type { RunningPod } from "./local-pod-runner.js";
import type { PodRecord, RuntimeStateDirectory } from "./runtime-state-directory.js";
import { WatchHub } from "./watch-hub.js";

export interface StoredJob {
  job: Job;
  /** Cancels this Job's deadline and TTL timers. */
  readonly timers: AbortController;
  /** Set once the controller decided the Job fails (the deadline passed). */
  failing?: JobFailureReason;
}

export interface StoredPod {
  pod: Pod;
  running?: RunningPod;
  /** A recovered pod's sandbox, before it runs again (or for good, once it had ended). */
  recovered?: PodRecord;
  /** Set while the pod is being deleted (terminate, then remove). */
  deleting?: Promise<void>;
}

export const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;
export const keyOfObject = (object: { metadata: ObjectMeta }): string =>
  keyOf(object.metadata.namespace ?? "", object.metadata.name ?? "");

export class LocalClusterStore {
  readonly jobs = new Map<string, StoredJob>();
  readonly pods = new Map<string, StoredPod>();
  readonly secrets = new Map<string, Secret>();
  readonly jobWatches = new WatchHub<Job>();
  readonly podWatches = new WatchHub<Pod>();
  private resourceVersion = 1;

  /** Where every change is written so the pods outlive this process; none keeps state in memory only. */
  constructor(
    private readonly clock: ClockPort,
    private readonly state?: RuntimeStateDirectory,
  ) {}

  putJob(stored: StoredJob): void {
    this.jobs.set(keyOfObject(stored.job), stored);
    this.state?.saveJob(stored.job);
  }

  /** False when the Job was already gone. */
  removeJob(job: Job): boolean {
    if (!this.jobs.delete(keyOfObject(job))) return false;
    this.state?.forgetJob(job);
    return true;
  }

  /** `persist` false: a Secret that must never reach the disk (the server's credentials). */
  putSecret(secret: Secret, persist = true): void {
    this.secrets.set(keyOfObject(secret), secret);
    if (persist) this.state?.saveSecret(secret);
  }

  removeSecret(secret: Secret): void {
    this.secrets.delete(keyOfObject(secret));
    this.state?.forgetSecret(secret);
  }

  putPod(entry: StoredPod): void {
    this.pods.set(keyOfObject(entry.pod), entry);
    this.savePod(entry);
  }

  removePod(pod: Pod): void {
    this.pods.delete(keyOfObject(pod));
    this.state?.forgetPod(pod);
  }

  /** Writes the pod with its containers' processes and sandbox (after each of their changes). */
  savePod(entry: StoredPod): void {
    if (!this.state || this.pods.get(keyOfObject(entry.pod)) !== entry) return;
    const record: PodRecord = {
      pod: entry.pod,
      sandboxDirectory: entry.running?.sandboxDirectory ?? entry.recovered?.sandboxDirectory ?? "",
      processes: entry.running?.processRecords() ?? entry.recovered?.processes ?? {},
    };
    this.state.savePod(record);
  }

  /** Bumps the object's resourceVersion, as every write to the API server does. */
  touch(metadata: ObjectMeta): void {
    metadata.resourceVersion = String(this.resourceVersion++);
  }

  /** A changed Job: new resourceVersion, announced to watchers. */
  jobChanged(job: Job): void {
    this.touch(job.metadata);
    if (this.jobs.get(keyOfObject(job))?.job === job) this.state?.saveJob(job);
    this.jobWatches.emit("MODIFIED", job);
  }

  podChanged(pod: Pod): void {
    this.touch(pod.metadata);
    const entry = this.pods.get(keyOfObject(pod));
    if (entry?.pod === pod) this.savePod(entry);
    this.podWatches.emit("MODIFIED", pod);
  }

  timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  jobByUid(uid: string): StoredJob | undefined {
    return [...this.jobs.values()].find((s) => s.job.metadata.uid === uid);
  }

  podsOwnedBy(uid: string): Array<[string, StoredPod]> {
    return [...this.pods.entries()].filter(([, entry]) =>
      entry.pod.metadata.ownerReferences?.some((o) => o.uid === uid),
    );
  }

  /** Copies of the objects in `namespace` matching the selector. */
  select<T extends Job | Pod>(objects: Iterable<T>, namespace: string, selector: string, operation: string): T[] {
    const matches = selectorFor(selector, operation);
    return [...objects]
      .filter((o) => o.metadata.namespace === namespace && matches(o.metadata.labels))
      .map((o) => structuredClone(o));
  }
}

/** The parsed selector; one the cluster cannot parse is the caller's error (400), not a crash. */
export function selectorFor(selector: string, operation: string): LabelSelector {
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    if (!(error instanceof LabelSelectorError)) throw error;
    throw new KubernetesApiError("invalid", operation, `local runtime: ${error.message}`, 400);
  }
}
