/**
 * The cluster's etcd: Jobs, pods and Secrets by namespace and name, one cluster-wide
 * resourceVersion counter, and a change feed (watches, the job controller, the local runtime's
 * state on disk listen to it). Stored objects are the store's: readers get them to read, and
 * writers go through create/update/delete so every change is counted and announced.
 */
import { randomUUID } from "node:crypto";
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, ObjectMeta, Pod, Secret } from "../../ports/kubernetes-objects.js";
import { ClusterError } from "./cluster-error.js";
import type { LabelSelector } from "./label-selector.js";

/** The apiserver stores Secret values base64-encoded in `data`; `stringData` is write-only. */
export type StoredSecret = Secret & { data?: Record<string, string> };

export interface ResourceTypes {
  jobs: Job;
  pods: Pod;
  secrets: StoredSecret;
}
export type ResourceName = keyof ResourceTypes;
export type AnyObject = ResourceTypes[ResourceName];

export type ChangeType = "ADDED" | "MODIFIED" | "DELETED";

export interface Change {
  readonly resource: ResourceName;
  readonly type: ChangeType;
  /** A snapshot; listeners must not mutate it. */
  readonly object: AnyObject;
  readonly resourceVersion: number;
}

/** `jobs.batch "x"`, as the apiserver names objects in messages. */
export const QUALIFIED: Record<ResourceName, string> = { jobs: "jobs.batch", pods: "pods", secrets: "secrets" };
const GROUP: Record<ResourceName, string> = { jobs: "batch", pods: "", secrets: "" };

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;
export const keyOfObject = (object: { metadata: ObjectMeta }): string =>
  keyOf(object.metadata.namespace ?? "", object.metadata.name ?? "");

export class ObjectStore {
  private resourceVersion = 1;
  private readonly objects: { [R in ResourceName]: Map<string, ResourceTypes[R]> } = {
    jobs: new Map(),
    pods: new Map(),
    secrets: new Map(),
  };
  private readonly listeners: Array<(change: Change) => void> = [];

  constructor(private readonly clock: ClockPort) {}

  get currentResourceVersion(): number {
    return this.resourceVersion;
  }

  /** Advances the counter without a change (as writes to unrelated objects would). */
  bumpResourceVersion(): number {
    return ++this.resourceVersion;
  }

  onChange(listener: (change: Change) => void): void {
    this.listeners.push(listener);
  }

  /** Now on the store's clock, as the apiserver stamps objects. */
  timestamp(): string {
    return new Date(this.clock.now()).toISOString();
  }

  get<R extends ResourceName>(resource: R, namespace: string, name: string): ResourceTypes[R] | undefined {
    return this.objects[resource].get(keyOf(namespace, name));
  }

  /** Every object of a resource, in creation order. */
  all<R extends ResourceName>(resource: R): Array<ResourceTypes[R]> {
    return [...this.objects[resource].values()];
  }

  /** Namespace-scoped and label-selected, in creation order. */
  list<R extends ResourceName>(resource: R, namespace: string, selector: LabelSelector): Array<ResourceTypes[R]> {
    return this.all(resource).filter((o) => o.metadata.namespace === namespace && selector(o.metadata.labels));
  }

  /** Every object of a resource whose ownerReferences name `ownerUid`. */
  dependentsOf<R extends ResourceName>(resource: R, ownerUid: string): Array<ResourceTypes[R]> {
    return this.all(resource).filter((o) => o.metadata.ownerReferences?.some((ref) => ref.uid === ownerUid));
  }

  byUid<R extends ResourceName>(resource: R, uid: string): ResourceTypes[R] | undefined {
    return this.all(resource).find((o) => o.metadata.uid === uid);
  }

  create<R extends ResourceName>(resource: R, namespace: string, input: ResourceTypes[R]): ResourceTypes[R] {
    const name = input.metadata?.name;
    const details = { kind: resource, group: GROUP[resource] };
    if (!name) {
      const message = `${QUALIFIED[resource]} "" is invalid: metadata.name: Required value: name or generateName is required`;
      throw new ClusterError(422, message, "Invalid", details);
    }
    if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
      const message = `${QUALIFIED[resource]} "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`;
      throw new ClusterError(422, message, "Invalid", { name, ...details });
    }
    if (input.metadata.namespace && input.metadata.namespace !== namespace) {
      throw new ClusterError(
        400,
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    const key = keyOf(namespace, name);
    if (this.objects[resource].has(key)) {
      throw new ClusterError(409, `${QUALIFIED[resource]} "${name}" already exists`, "AlreadyExists", {
        name,
        ...details,
      });
    }
    const object = structuredClone(input);
    const meta: ObjectMeta = object.metadata;
    meta.namespace = namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    if (resource === "secrets") encodeSecret(object as StoredSecret);
    return this.commit(resource, key, object, "ADDED");
  }

  /** Puts back an object a previous store held (identity and resourceVersion as they were). */
  restore<R extends ResourceName>(resource: R, object: ResourceTypes[R]): void {
    this.objects[resource].set(keyOfObject(object), object);
    this.emit({ resource, type: "ADDED", object, resourceVersion: this.resourceVersion });
  }

  /** Applies `mutate` to a copy and stores it with a new resourceVersion; 404 when absent. */
  update<R extends ResourceName>(
    resource: R,
    namespace: string,
    name: string,
    mutate: (object: ResourceTypes[R]) => void,
  ): ResourceTypes[R] {
    const key = keyOf(namespace, name);
    const current = this.objects[resource].get(key);
    if (!current) throw notFound(resource, name);
    const next = structuredClone(current);
    mutate(next);
    // Identity fields are the store's, whatever the mutation did.
    next.metadata.name = name;
    next.metadata.namespace = namespace;
    next.metadata.uid = current.metadata.uid;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (resource === "secrets") encodeSecret(next as StoredSecret);
    return this.commit(resource, key, next, "MODIFIED");
  }

  /** Removes and returns the object, or undefined when it was already gone. */
  delete<R extends ResourceName>(resource: R, namespace: string, name: string): ResourceTypes[R] | undefined {
    const key = keyOf(namespace, name);
    const current = this.objects[resource].get(key);
    if (!current) return undefined;
    this.objects[resource].delete(key);
    const gone = structuredClone(current);
    gone.metadata.resourceVersion = String(++this.resourceVersion);
    this.emit({ resource, type: "DELETED", object: gone, resourceVersion: this.resourceVersion });
    return gone;
  }

  private commit<R extends ResourceName>(
    resource: R,
    key: string,
    object: ResourceTypes[R],
    type: ChangeType,
  ): ResourceTypes[R] {
    object.metadata.resourceVersion = String(++this.resourceVersion);
    this.objects[resource].set(key, object);
    this.emit({ resource, type, object, resourceVersion: this.resourceVersion });
    return object;
  }

  private emit(change: Change): void {
    for (const listener of this.listeners) listener(change);
  }
}

export const notFound = (resource: ResourceName, name: string): ClusterError =>
  new ClusterError(404, `${QUALIFIED[resource]} "${name}" not found`, "NotFound", {
    name,
    kind: resource,
    group: GROUP[resource],
  });

/** stringData is merged into data (base64) and never stored, as the apiserver does. */
function encodeSecret(secret: StoredSecret): void {
  if (!secret.stringData) return;
  const data = { ...(secret.data ?? {}) };
  for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(v, "utf8").toString("base64");
  secret.data = data;
  delete secret.stringData;
}

/** Back to plain strings, for a kubelet that mounts or injects the values. */
export function decodeSecret(secret: StoredSecret): Secret {
  const stringData: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) stringData[k] = Buffer.from(v, "base64").toString("utf8");
  const { data: _data, ...rest } = structuredClone(secret);
  return { ...rest, stringData };
}
