/**
 * Messages between the bench driver (the adapter's process) and the cluster process (loopback
 * apiserver + stand-in pods), over Node's IPC channel. The split keeps the pods' writes and the
 * apiserver's work out of the adapter process's CPU and memory figures.
 */
import type { PodEnded, WriterPlan } from "./stand-in-pod.js";

/** What the cluster process needs to start, passed as JSON in its environment. */
export interface ClusterSetup {
  readonly namespace: string;
  readonly ownPodName: string;
  /** The shared volume's mount path, identical in the server pod and the run pods. */
  readonly dataMountPath: string;
  readonly plan: WriterPlan;
}

export const CLUSTER_SETUP_ENV = "SCALE_BENCH_CLUSTER_SETUP";

export type ToCluster =
  /** Every pod starts its steady stream. */
  | { readonly kind: "begin-active" }
  /** Asks for the apiserver's request counts so far. */
  | { readonly kind: "requests" }
  | { readonly kind: "close" };

export type FromCluster =
  | { readonly kind: "ready"; readonly url: string; readonly token: string }
  | { readonly kind: "running"; readonly runId: string }
  | { readonly kind: "ended"; readonly ended: PodEnded }
  | { readonly kind: "requests"; readonly counts: Readonly<Record<string, number>> }
  | { readonly kind: "closed" };
