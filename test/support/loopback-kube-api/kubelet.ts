/**
 * What runs a pod once the job controller created it: the loopback server's node agent. The
 * scripted kubelet plays canned lives for tests; the local runtime's pod runner really runs them.
 */
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import type { PodStatus } from "../../../src/adapters/cluster-model/kubelet.js";

export type { Kubelet, PodHandle, PodStatus } from "../../../src/adapters/cluster-model/kubelet.js";

const now = () => new Date().toISOString();

/** Status builders shared by kubelets, in the kubelet's own words. */
export const podStatus = {
  scheduledWaiting(pod: Pod, reason: string, message?: string): PodStatus {
    return {
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "True" }],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name,
        ready: false,
        restartCount: 0,
        image: c.image,
        state: { waiting: { reason, ...(message ? { message } : {}) } },
      })),
    };
  },
  running(pod: Pod, startedAt: string): PodStatus {
    return {
      phase: "Running",
      conditions: [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: "True" },
      ],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name,
        ready: true,
        restartCount: 0,
        image: c.image,
        state: { running: { startedAt } },
      })),
    };
  },
  terminated(pod: Pod, exitCode: number, startedAt: string, message?: string): PodStatus {
    return {
      phase: exitCode === 0 ? "Succeeded" : "Failed",
      conditions: [
        { type: "PodScheduled", status: "True" },
        { type: "Ready", status: "False", reason: "PodCompleted" },
      ],
      containerStatuses: pod.spec.containers.map((c) => ({
        name: c.name,
        ready: false,
        restartCount: 0,
        image: c.image,
        state: {
          terminated: {
            exitCode,
            reason: exitCode === 0 ? "Completed" : "Error",
            startedAt,
            finishedAt: now(),
            ...(message ? { message } : {}),
          },
        },
      })),
    };
  },
  now,
};
