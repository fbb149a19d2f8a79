/**
 * What runs a pod once the Job controller created it: the node agent. The local runtime's runs
 * pods as sandboxed local processes; the loopback apiserver's tests plug in scripted ones.
 */
import type { Pod, Secret } from "../../ports/kubernetes-objects.js";

export type PodStatus = NonNullable<Pod["status"]>;

/** Resolves Secrets in the pod's namespace, values as stringData. */
export type SecretLookup = (name: string) => Secret | undefined;

export interface PodHandle {
  /** Stops the pod's containers (deadline, deletion); resolves once they have stopped. */
  kill(): Promise<void>;
}

export interface Kubelet {
  /** What the node sets on a pod before it is created (its node name, annotations). */
  prepare?(pod: Pod): void;
  /** Starts `pod`; `report` replaces its status, and a terminal phase (Succeeded/Failed) ends it. */
  start(pod: Pod, secrets: SecretLookup, report: (status: PodStatus) => void): PodHandle;
}
