import { LABEL_KEYS, MANAGED_BY_SELECTOR, MANAGED_BY_VALUE } from "../../../src/domain/job/job-labels.js";
import type { ContainerStatus, Job, Pod, PodCondition } from "../../../src/ports/kubernetes-objects.js";

export const MANAGED = { [LABEL_KEYS.managedBy]: MANAGED_BY_VALUE };
export const SELECTOR = MANAGED_BY_SELECTOR;
export const IMAGE = "ghcr.io/example/claude:1.2";

/** A run Job as the orchestrator creates it (suspended unless said otherwise). */
export function runJob(name: string, options: { suspend?: boolean } = {}): Job {
  return {
    metadata: { name, labels: { ...MANAGED } },
    spec: {
      suspend: options.suspend ?? false,
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...MANAGED } },
        spec: {
          restartPolicy: "Never",
          initContainers: [{ name: "prepare", image: "busybox:1.36" }],
          containers: [{ name: "claude", image: IMAGE }],
        },
      },
    },
  };
}

/** A pod of Job `run-1` with the given status pieces, for the pure diagnosis. */
export function podWith(
  status: {
    phase?: NonNullable<Pod["status"]>["phase"];
    reason?: string;
    message?: string;
    conditions?: PodCondition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  },
  nodeName?: string,
): Pod {
  const job = runJob("run-1");
  return {
    metadata: { name: "run-1-abcde", labels: { ...MANAGED, "job-name": "run-1" } },
    spec: { ...job.spec.template.spec, ...(nodeName ? { nodeName } : {}) },
    status: { phase: "Pending", ...status },
  };
}

export const waiting = (name: string, reason: string, message?: string): ContainerStatus => ({
  name,
  state: { waiting: { reason, ...(message ? { message } : {}) } },
});
