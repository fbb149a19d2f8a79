/**
 * The pods the kubelet runs, from the Job controller's side: each running pod's handle, and
 * deletion as a cluster does it — a deletionTimestamp first, the containers stopped (a grace
 * period is the kubelet's), then the pod is gone.
 */
import type { ObjectMeta, Pod } from "../../ports/kubernetes-objects.js";
import type { PodHandle, SecretLookup } from "./kubelet.js";
import { decodeSecret, notFound, type ObjectStore } from "./object-store.js";

export const isTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
export const nameOf = (o: { metadata: ObjectMeta }) => [o.metadata.namespace ?? "", o.metadata.name ?? ""] as const;

export class PodLifecycle {
  /** By pod uid: what stops the pod's containers, kept until the pod is deleted. */
  private readonly handles = new Map<string, PodHandle>();
  /** Pod deletions in flight, by pod uid. */
  private readonly deletions = new Map<string, Promise<void>>();

  constructor(private readonly store: ObjectStore) {}

  track(pod: Pod, handle: PodHandle): void {
    this.handles.set(pod.metadata.uid ?? "", handle);
  }

  /** Pods being run whose containers have not ended. */
  get runningCount(): number {
    return [...this.handles.keys()].filter((uid) => {
      const pod = this.store.byUid("pods", uid);
      return pod !== undefined && !isTerminal(pod);
    }).length;
  }

  /** Resolves once every pod deletion in flight has finished. */
  async settled(): Promise<void> {
    while (this.deletions.size > 0) await Promise.allSettled([...this.deletions.values()]);
  }

  /** The Secrets a pod in its namespace can use, values decoded. */
  secretsOf(pod: Pod): SecretLookup {
    const namespace = pod.metadata.namespace ?? "";
    return (name) => {
      const secret = this.store.get("secrets", namespace, name);
      return secret && decodeSecret(secret);
    };
  }

  /** DELETE of a pod; resolves once it is gone. 404 when absent. */
  async delete(namespace: string, name: string): Promise<Pod> {
    const pod = this.store.get("pods", namespace, name);
    if (!pod) throw notFound("pods", name);
    const uid = pod.metadata.uid ?? "";
    let deletion = this.deletions.get(uid);
    if (!deletion) {
      const at = this.store.timestamp();
      this.store.update("pods", namespace, name, (p) => (p.metadata.deletionTimestamp = at));
      deletion = this.stop(uid).finally(() => {
        this.deletions.delete(uid);
        if (this.store.get("pods", namespace, name)?.metadata.uid === uid) this.store.delete("pods", namespace, name);
      });
      this.deletions.set(uid, deletion);
    }
    await deletion;
    return pod;
  }

  /** Deletes every pod `ownerUid` owns; resolves once all are gone. */
  deleteOwnedBy(ownerUid: string): Promise<unknown> {
    const pods = this.store.dependentsOf("pods", ownerUid);
    return Promise.allSettled(pods.map((pod) => this.delete(...nameOf(pod))));
  }

  /** Stops every pod's containers (deletions in flight finish). */
  async stopAll(): Promise<void> {
    const idle = [...this.handles.keys()].filter((uid) => !this.deletions.has(uid));
    await Promise.allSettled([...this.deletions.values(), ...idle.map((uid) => this.stop(uid))]);
  }

  /** Stops the pod's containers (if they are run here); its handle is dropped after. */
  private async stop(uid: string): Promise<void> {
    try {
      await this.handles.get(uid)?.kill();
    } finally {
      this.handles.delete(uid);
    }
  }
}
