import type { ClockPort } from "../ports/clock-port.js";
import type { KubernetesPort } from "../ports/kubernetes-port.js";
import type { Pod } from "../ports/kubernetes-objects.js";
import { retryTransient } from "./cluster/retry-transient.js";

/** A timeout or 5xx on this one read would fail every run waiting on it: it is retried with backoff. */
export const OWN_POD_READ_RETRY = { attempts: 5, initialMs: 500, maxMs: 8_000 } as const;

/**
 * The Paperclip server's own pod, read once through the KubernetesPort and cached: every Job
 * inherits its image, volumes and env. Concurrent runs share one read (and its retries); a failed
 * read is not cached, so the next run tries again.
 */
export class ServerPodReader {
  private cached: Promise<Pod> | undefined;

  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
  ) {}

  read(): Promise<Pod> {
    if (!this.cached) {
      const pending = retryTransient(this.clock, () => this.kubernetes.readOwnPod(), OWN_POD_READ_RETRY).then(
        (result) => {
          if (result.ok) return result.value;
          throw result.failure;
        },
      );
      this.cached = pending;
      pending.catch(() => {
        if (this.cached === pending) this.cached = undefined;
      });
    }
    return this.cached;
  }
}
