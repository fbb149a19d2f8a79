/**
 * How a kubelet waits on something that is not there yet (a Secret, a sandbox, a volume): try,
 * report each new reason it is not ready, wait, try again — until it is, or the pod is stopped.
 */
export type Readiness<T> =
  { readonly ready: true; readonly value: T } | { readonly ready: false; readonly message: string };

export interface RetryPacing {
  /** Aborted when the pod stops: the wait ends at once with undefined. */
  readonly signal: AbortSignal;
  readonly retryMs: number;
}

/** Calls `attempt` until it is ready, reporting each new reason it is not; undefined once stopped. */
export async function retryUntilReady<T>(
  attempt: () => Promise<Readiness<T>>,
  onWaiting: (message: string) => void,
  pacing: RetryPacing,
): Promise<T | undefined> {
  let lastMessage: string | undefined;
  while (!pacing.signal.aborted) {
    const result = await attempt();
    if (result.ready) return result.value;
    if (result.message !== lastMessage) onWaiting(result.message);
    lastMessage = result.message;
    await delay(pacing.retryMs, pacing.signal);
  }
  return undefined;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
