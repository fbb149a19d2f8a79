/**
 * The loopback apiserver's kubelet for the scale bench: each pod the job controller creates becomes
 * a StandInPod writing to the files named by the pod's own annotations (the same paths the adapter
 * tails), so hundreds of pods cost timers and appends, not processes. Pods stay idle after their
 * first line until `beginActive()` starts every writer's steady stream at once.
 */
import { ANNOTATION_KEYS } from "../../../src/domain/job/job-labels.js";
import type { Kubelet, PodHandle } from "../../support/loopback-kube-api/index.js";
import { StandInPod, type PodEnded, type WriterPlan } from "./stand-in-pod.js";

export interface StandInKubeletEvents {
  onRunning(runId: string): void;
  onEnded(ended: PodEnded): void;
}

/** The run index the driver put at the end of its run ids (`…-<index>`). */
export function runIndexOf(runId: string): number {
  const index = Number(runId.slice(runId.lastIndexOf("-") + 1));
  return Number.isSafeInteger(index) ? index : 0;
}

export class StandInKubelet implements Kubelet {
  private readonly pods = new Set<StandInPod>();
  private active = false;

  constructor(
    private readonly plan: WriterPlan,
    private readonly events: StandInKubeletEvents,
  ) {}

  /** Every running pod (and every pod that starts later) begins its steady stream. */
  beginActive(): void {
    this.active = true;
    for (const pod of this.pods) if (pod.running) pod.beginActive();
  }

  start(pod: Parameters<Kubelet["start"]>[0], _secrets: unknown, report: Parameters<Kubelet["start"]>[2]): PodHandle {
    const annotations = pod.metadata.annotations ?? {};
    const runId = annotations[ANNOTATION_KEYS.runId] ?? pod.metadata.name ?? "";
    const files = {
      stdout: annotations[ANNOTATION_KEYS.stdoutPath] ?? "",
      stderr: annotations[ANNOTATION_KEYS.stderrPath] ?? "",
      trailer: annotations[ANNOTATION_KEYS.trailerPath] ?? "",
    };
    const standIn = new StandInPod(pod, runId, runIndexOf(runId), files, this.plan, report, (ended) => {
      this.pods.delete(standIn);
      this.events.onEnded(ended);
    });
    this.pods.add(standIn);
    standIn.start(() => {
      this.events.onRunning(runId);
      if (this.active) standIn.beginActive();
    });
    return {
      kill: async () => {
        standIn.kill();
        this.pods.delete(standIn);
      },
    };
  }
}
