/** The smallest Job the adapter would create against the loopback apiserver: suspended, labelled as ours. */
import type { Job } from "../../../src/ports/kubernetes-objects.js";

export function suspendedJob(name: string, spec: Partial<Job["spec"]> = {}): Job {
  const labels = { "app.kubernetes.io/managed-by": "claude-k8s", "claude-k8s/run": name };
  return {
    metadata: { name, labels },
    spec: {
      suspend: true,
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: { restartPolicy: "Never", containers: [{ name: "claude", image: "ghcr.io/paperclipai/paperclip:1" }] },
      },
      ...spec,
    },
  };
}
