import type { KubernetesPort } from "../ports/kubernetes-port.js";
import type { Pod } from "../ports/kubernetes-objects.js";

/**
 * The Paperclip server's own pod, read once through the KubernetesPort and cached: every Job
 * inherits its image, volumes and env. A failed read is not cached, so the next run retries.
 */
export class ServerPodReader {
  private cached: Promise<Pod> | undefined;

  constructor(private readonly kubernetes: KubernetesPort) {}

  read(): Promise<Pod> {
    if (!this.cached) {
      const pending = this.kubernetes.readOwnPod();
      this.cached = pending;
      pending.catch(() => {
        if (this.cached === pending) this.cached = undefined;
      });
    }
    return this.cached;
  }
}
