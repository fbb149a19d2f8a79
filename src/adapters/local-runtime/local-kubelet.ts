/**
 * The local runtime's node agent for the cluster model's Job controller: each pod runs as local
 * processes (LocalPodRunner), its processes and sandbox kept with the pod so they are written to
 * the state directory, and a pod a dead server left is followed again. Stopping a pod terminates
 * it (SIGTERM, grace, SIGKILL) and removes its sandbox.
 */
import { rm } from "node:fs/promises";
import type { Pod } from "../../ports/kubernetes-objects.js";
import type { Kubelet, PodHandle, PodStatus, SecretLookup } from "../cluster-model/kubelet.js";
import type { LocalClusterStore, PodRuntime } from "./local-cluster-store.js";
import type { LocalPodRunner, RunningPod } from "./local-pod-runner.js";

export const MOUNTS_ANNOTATION = "local-runtime.claude-k8s/mounts";

export class LocalKubelet implements Kubelet {
  constructor(
    private readonly store: LocalClusterStore,
    private readonly runner: () => LocalPodRunner,
    /** SIGTERM → SIGKILL grace on deletion; undefined uses the pod's own. */
    private readonly killGraceMs: number | undefined,
  ) {}

  prepare(pod: Pod): void {
    pod.spec = { ...pod.spec, nodeName: "local" };
    // Where each mount really is on this machine, visible to anyone listing the pod.
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [MOUNTS_ANNOTATION]: JSON.stringify(this.runner().mountMappings(pod)),
    };
  }

  start(pod: Pod, secrets: SecretLookup, report: (status: PodStatus) => void): PodHandle {
    return this.track(pod, this.runner().run(pod, secrets, report));
  }

  /** Takes over the containers of a pod a server that died had started (its record on disk). */
  adopt(pod: Pod, secrets: SecretLookup, report: (status: PodStatus) => void): PodHandle {
    const record = this.store.podRuntime(pod).recovered;
    if (!record) return { kill: async () => undefined };
    return this.track(pod, this.runner().adopt(record, secrets, report));
  }

  private track(pod: Pod, running: RunningPod): PodHandle {
    const runtime = this.store.podRuntime(pod);
    runtime.running = running;
    this.store.savePod(pod);
    return { kill: () => this.dispose(runtime) };
  }

  private async dispose(runtime: PodRuntime): Promise<void> {
    await runtime.running?.dispose(this.killGraceMs);
    // A recovered pod that never ran again still has its sandbox (logs) from before.
    if (runtime.recovered?.sandboxDirectory) {
      await rm(runtime.recovered.sandboxDirectory, { recursive: true, force: true });
    }
  }
}
