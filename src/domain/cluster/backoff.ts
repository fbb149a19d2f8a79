/** Exponential backoff bounds shared by watch restarts and API retries. */
export interface BackoffBounds {
  readonly initial: number;
  readonly max: number;
}

/** Delay before retry number `attempt` (1-based): initial, 2×initial, 4×initial, … capped at max. */
export function backoffDelay(bounds: BackoffBounds, attempt: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  return Math.min(bounds.max, bounds.initial * 2 ** exponent);
}
