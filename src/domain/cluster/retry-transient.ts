/**
 * "Transient API errors are retried with backoff and logged": one helper for every single API
 * call a run makes (create, resume, delete, a fallback status read). Errors the API classifies as
 * transient (5xx, timeouts, network) are retried; anything else fails at once.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import { KubernetesApiError } from "../../ports/kubernetes-port.js";
import { fail, ok, type Result } from "../errors.js";
import { describeApiError } from "./api-failure.js";
import { backoffDelay } from "./backoff.js";
import { settledSink, type StatusSink } from "../run/status-sink.js";
import { phaseLine } from "./phase-line.js";

export interface RetryTransientOptions {
  /** Total tries, the first included (at least 1). */
  readonly attempts: number;
  readonly initialMs: number;
  readonly maxMs: number;
  /** Hears one status line per retry. */
  readonly status?: StatusSink;
  /** Stops retrying (the last error is returned) when it fires. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `operation` until it succeeds, fails non-transiently, or the attempts are used up.
 * The failure is the last KubernetesApiError; anything else thrown is a bug and is rethrown.
 */
export async function retryTransient<T>(
  clock: ClockPort,
  operation: () => Promise<T>,
  options: RetryTransientOptions,
): Promise<Result<T, KubernetesApiError>> {
  const attempts = Math.max(1, options.attempts);
  for (let attempt = 1; ; attempt++) {
    try {
      return ok(await operation());
    } catch (error) {
      if (!(error instanceof KubernetesApiError)) throw error;
      if (!error.transient || attempt >= attempts || options.signal?.aborted) return fail(error);
      const delay = backoffDelay({ initial: options.initialMs, max: options.maxMs }, attempt);
      void settledSink(options.status)(
        phaseLine(
          `Kubernetes ${error.operation} failed (${describeApiError(error)}); retry ${attempt}/${attempts - 1} in ${delay} ms`,
        ),
      );
      if ((await clock.sleep(delay, options.signal)) === "aborted") return fail(error);
    }
  }
}
