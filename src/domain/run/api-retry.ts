/** The retry policy a run uses for its single API calls (create, resume, delete). */
import type { ClockPort } from "../../ports/clock-port.js";
import type { KubernetesApiError } from "../../ports/kubernetes-port.js";
import { retryTransient } from "../cluster/retry-transient.js";
import type { Result } from "../errors.js";
import type { StatusSink } from "./status-sink.js";

export const RUN_API_RETRY = { attempts: 5, initialMs: 500, maxMs: 8_000 } as const;

export function retryRunCall<T>(
  clock: ClockPort,
  operation: () => Promise<T>,
  status: StatusSink,
): Promise<Result<T, KubernetesApiError>> {
  return retryTransient(clock, operation, { ...RUN_API_RETRY, status });
}
