/** The failures that end a tail when reading or delivering stops, named from what the tail saw. */
import { runFailure, type RunFailure } from "../errors.js";
import type { StreamDelivery } from "./stream-delivery.js";

/** A transient read error that kept failing through every retry. */
export function readFailure(
  transient: { readonly path: string; readonly detail: string },
  attempts: number,
): RunFailure {
  return runFailure("k8s_pod_log_read_failed", {
    path: transient.path,
    detail: `${transient.detail}; still failing after ${attempts} consecutive attempts`,
  });
}

/** Why delivery of the file at `path` stopped (the sink threw, or the run's output cap was passed); null for a cancel. */
export function deliveryFailure(path: string, delivery: StreamDelivery): RunFailure | null {
  switch (delivery.stopped) {
    case "sink_failed": {
      const error = delivery.sinkFailure;
      return runFailure("log_sink_failed", {
        stream: delivery.stream,
        path,
        line: delivery.totals.lines + 1,
        detail: error instanceof Error ? error.message : String(error),
      });
    }
    case "output_limit":
      return delivery.budgetFailure;
    default:
      return null;
  }
}
