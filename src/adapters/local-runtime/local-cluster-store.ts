/**
 * The local runtime's view of the cluster model: the shared ObjectStore holds the Jobs, pods and
 * Secrets; this adds what only a runtime on one machine has — each pod's processes — writes every change to the state directory so the pods outlive this process, and
 * feeds the in-process watches.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, Pod, Secret } from "../../ports/kubernetes-objects.js";
import { KubernetesApiError, type KubernetesErrorKind } from "../../ports/kubernetes-port.js";
import { ClusterError } from "../cluster-model/cluster-error.js";
import { LabelSelectorError, parseLabelSelector, type LabelSelector } from "../cluster-model/label-selector.js";
import { keyOfObject, ObjectStore, type Change } from "../cluster-model/object-store.js";
import type { RunningPod } from "./local-pod-runner.js";
import type { PodRecord, RuntimeStateDirectory } from "./runtime-state-directory.js";
import { WatchHub } from "../cluster-model/watch-hub.js";

/** What a pod has on this machine beyond its object. */
export interface PodRuntime {
  running?: RunningPod;
  /** A recovered pod's sandbox, before it runs again (or for good, once it had ended). */
  recovered?: PodRecord;
}

export class LocalClusterStore {
  readonly objects: ObjectStore;
  readonly jobWatches = new WatchHub<Job>();
  readonly podWatches = new WatchHub<Pod>();
  /** By pod uid. */
  private readonly podRuntimes = new Map<string, PodRuntime>();
  /** Secrets that must never reach the disk (the server's credentials), by namespace/name. */
  private readonly memoryOnly = new Set<string>();

  /** `state`: where every change is written so the pods outlive this process. */
  constructor(
    clock: ClockPort,
    private readonly state?: RuntimeStateDirectory,
  ) {
    this.objects = new ObjectStore(clock);
    this.objects.onChange((change) => this.onChange(change));
  }

  timestamp(): string {
    return this.objects.timestamp();
  }

  podRuntime(pod: Pod): PodRuntime {
    const uid = pod.metadata.uid ?? "";
    let runtime = this.podRuntimes.get(uid);
    if (!runtime) this.podRuntimes.set(uid, (runtime = {}));
    return runtime;
  }

  /** The pods in the store with what runs them here. */
  podEntries(): Array<[Pod, PodRuntime]> {
    return this.objects.all("pods").map((pod) => [pod, this.podRuntime(pod)]);
  }

  /** A Secret kept in memory only: each runtime is given it again when it starts. */
  createMemoryOnlySecret(namespace: string, secret: Secret): void {
    this.memoryOnly.add(keyOfObject({ metadata: { ...secret.metadata, namespace } }));
    this.objects.create("secrets", namespace, secret);
  }

  /** Writes the pod with its containers' processes and sandbox (after each of their changes). */
  savePod(pod: Pod): void {
    if (!this.state) return;
    const runtime = this.podRuntime(pod);
    this.state.savePod({
      pod,
      sandboxDirectory: runtime.running?.sandboxDirectory ?? runtime.recovered?.sandboxDirectory ?? "",
      processes: runtime.running?.processRecords() ?? runtime.recovered?.processes ?? {},
    });
  }

  private onChange({ resource, type, object }: Change): void {
    const gone = type === "DELETED";
    if (resource === "jobs") {
      const job = object as Job;
      if (gone) this.state?.forgetJob(job);
      else this.state?.saveJob(job);
      this.jobWatches.emit(type, job);
    } else if (resource === "pods") {
      const pod = object as Pod;
      if (gone) this.podRuntimes.delete(pod.metadata.uid ?? "");
      if (gone) this.state?.forgetPod(pod);
      else this.savePod(pod);
      this.podWatches.emit(type, pod);
    } else if (!this.memoryOnly.has(keyOfObject(object))) {
      if (gone) this.state?.forgetSecret(object as Secret);
      else this.state?.saveSecret(object as Secret);
    }
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

const KIND_OF_CODE: Record<number, KubernetesErrorKind> = {
  400: "invalid",
  404: "not_found",
  409: "conflict",
  422: "invalid",
};

/** The model's refusal as the KubernetesPort's error, with the apiserver's words. */
export function portError(error: unknown, operation: string): unknown {
  if (!(error instanceof ClusterError)) return error;
  return new KubernetesApiError(KIND_OF_CODE[error.code] ?? "server_error", operation, error.message, error.code);
}
