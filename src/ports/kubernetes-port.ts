/**
 * What a run needs from Kubernetes, shaped for the domain rather than for any client library.
 * Implemented over @kubernetes/client-node, by the embedded local runtime, and by a fake.
 */
import { portToken } from "./port-token.js";
import type { Job, OwnerReference, Pod, Secret, WatchEventType } from "./kubernetes-objects.js";

/** API failures, classified so the domain can decide to retry, treat as gone, or fail. */
export type KubernetesErrorKind =
  | "not_found" // 404
  | "conflict" // 409 (already exists, or a stale update)
  | "gone" // 410 (watch resourceVersion too old)
  | "unauthorized" // 401
  | "forbidden" // 403
  | "invalid" // 422 / 400
  | "server_error" // 5xx
  | "timeout" // no answer in time
  | "network" // connection refused, reset, DNS
  | "unavailable"; // this runtime cannot do it at all (no cluster config, unsupported)

export class KubernetesApiError extends Error {
  constructor(
    readonly kind: KubernetesErrorKind,
    readonly operation: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "KubernetesApiError";
  }

  /** Worth retrying with backoff: the same call may well succeed in a moment. */
  get transient(): boolean {
    return this.kind === "server_error" || this.kind === "timeout" || this.kind === "network";
  }
}

export interface JobReference {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/**
 * The reference an owned object (the run's Secret) carries to its Job: the garbage collector
 * deletes it with the Job, and the Job's deletion waits for it under Foreground propagation.
 */
export function jobOwnerReference(owner: JobReference): OwnerReference {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The Secret as the port creates it: owned by `owner`, so it is deleted with the Job. */
export function ownedSecret(secret: Secret, owner: JobReference): Secret {
  const copy = structuredClone(secret);
  return { ...copy, metadata: { ...copy.metadata, ownerReferences: [jobOwnerReference(owner)] } };
}

export type DeletePropagation = "Background" | "Foreground" | "Orphan";

export interface WatchObserver<T> {
  onEvent(type: WatchEventType, object: T): void;
  /** The watch failed and will not deliver more events until restarted by its owner. */
  onError?(error: KubernetesApiError): void;
}

export interface WatchSubscription {
  stop(): void;
}

export interface AccessCheck {
  readonly verb: string;
  readonly resource: string;
  readonly group?: string;
  readonly subresource?: string;
  readonly namespace: string;
}

export interface AccessDecision {
  readonly check: AccessCheck;
  readonly allowed: boolean;
  readonly reason?: string;
}

export interface KubernetesPort {
  /** The namespace this process runs in (in-cluster) or was configured with. */
  currentNamespace(): Promise<string>;
  /** The pod this Paperclip server runs in: the source of image, volumes and env to inherit. */
  readOwnPod(): Promise<Pod>;

  createJob(namespace: string, job: Job): Promise<Job>;
  readJob(namespace: string, name: string): Promise<Job | null>;
  listJobs(namespace: string, labelSelector: string): Promise<Job[]>;
  /** Sets spec.suspend=false so the Job controller creates the pod. */
  resumeJob(namespace: string, name: string): Promise<void>;
  /** Returns false when the Job was already gone. */
  deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<boolean>;

  /** Creates the Secret with an ownerReference to the Job, so it is collected with it. */
  createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void>;

  listPods(namespace: string, labelSelector: string): Promise<Pod[]>;

  /** Namespace-wide, label-selected observation; existing objects arrive first as ADDED. */
  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription;
  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription;

  /** A PersistentVolumeClaim's access modes (e.g. ReadWriteMany), or null when it does not exist. */
  readVolumeClaimAccessModes(namespace: string, claimName: string): Promise<readonly string[] | null>;

  /** SelfSubjectAccessReview for each check. */
  reviewAccess(checks: readonly AccessCheck[]): Promise<AccessDecision[]>;
}

export const KUBERNETES_PORT = portToken<KubernetesPort>("KubernetesPort");
