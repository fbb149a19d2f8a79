/** What the outcome classifier reads and what it decides (see classify-outcome.ts). */
import type { RunFailure } from "../errors.js";
import type { RunTrailer } from "../run-trailer.js";
import type { BillingEnvironment, BillingType } from "./billing.js";
import type { ExitCodeMismatch, PodTermination } from "./exit-cause.js";
import type { StreamSummary } from "./stream-json-accumulator.js";
import type { TokenUsage } from "../stream-json/usage.js";

export interface OutcomeEvidence {
  readonly stream: StreamSummary;
  readonly trailer: RunTrailer | null;
  /** The main container's terminated state. */
  readonly podTermination: PodTermination | null;
  /** e.g. "DeadlineExceeded", "BackoffLimitExceeded". */
  readonly jobFailureReason: string | null;
  /** The operator cancelled and we deleted the Job. */
  readonly cancelled: { readonly acknowledgedAt: string } | null;
  readonly jobDeletedExternally: boolean;
  /** Pod-start and tail failures already decided (k8s_image_pull_failed, k8s_pod_log_incomplete, ...). */
  readonly earlierFailure: RunFailure | null;
  /** Bounded tail of claude's stderr. */
  readonly stderrTail: string;
  /** The session this run tried to resume. */
  readonly resumedSessionId: string | null;
  /** The session the server started (`--session-id`) or resumed for this run: the only one accepted. */
  readonly runSessionId: string | null;
  readonly jobName: string;
  readonly timeoutSec: number;
  /** For retryNotBefore. */
  readonly nowMs: number;
  readonly billingEnv: BillingEnvironment;
  /** The configured --model, named in model_not_found when claude never reported one. */
  readonly requestedModel: string | null;
}

export type ErrorFamily = "transient_upstream" | "provider_quota" | "model_refusal";

export interface RunOutcome {
  /** null = success. */
  readonly failure: RunFailure | null;
  readonly errorFamily: ErrorFamily | null;
  readonly timedOut: boolean;
  /**
   * The exit the host judges (it counts a run as succeeded only with exit 0 and no signal): 0 and null
   * after a successful result, even if claude was then SIGTERMed while shutting down.
   */
  readonly exitCode: number | null;
  /** e.g. "SIGKILL". */
  readonly signal: string | null;
  /** What was actually observed (the container per Kubernetes, else the trailer), for forensics. */
  readonly processExit: {
    readonly exitCode: number | null;
    readonly signal: string | null;
    readonly source: "kubernetes" | "trailer" | null;
  };
  /** The pod's trailer disagreed with the container's terminated state. */
  readonly exitCodeMismatch: ExitCodeMismatch | null;
  /** Session ids the stream reported that are not this run's (ignored, never saved). */
  readonly ignoredSessionIds: readonly string[];
  readonly clearSession: boolean;
  /** ISO time. */
  readonly retryNotBefore: string | null;
  readonly usage: TokenUsage | null;
  readonly costUsd: number | null;
  readonly model: string | null;
  readonly sessionId: string | null;
  readonly summary: string | null;
  /** The result event (becomes resultJson), never the transcript. */
  readonly resultEvent: Readonly<Record<string, unknown>> | null;
  readonly provider: "anthropic";
  readonly biller: string;
  readonly billingType: BillingType;
  readonly cancellation: { readonly state: "acknowledged"; readonly acknowledgedAt: string } | null;
}
