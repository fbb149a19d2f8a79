/**
 * Kubernetes `Status` bodies, exactly as the apiserver sends them for every failure, and the error
 * the server's handlers throw to produce one.
 */
import { ClusterError } from "../../../src/adapters/cluster-model/cluster-error.js";
import {
  LabelSelectorError,
  parseLabelSelector,
  type LabelSelector,
} from "../../../src/adapters/cluster-model/label-selector.js";

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Expired"
  | "Invalid"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "MethodNotAllowed"
  | "TooManyRequests"
  | "InternalError"
  | "ServiceUnavailable"
  | "Timeout";

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
}

export interface KubeStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** The reason the apiserver pairs with each code we can inject. */
export const REASON_BY_CODE: Record<number, StatusReason> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "AlreadyExists",
  410: "Expired",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

export function failureStatus(
  code: number,
  message: string,
  reason?: StatusReason,
  details?: StatusDetails,
): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: reason ?? REASON_BY_CODE[code] ?? "InternalError",
    ...(details ? { details } : {}),
    code,
  };
}

export function successStatus(details: StatusDetails): KubeStatus {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details, code: 200 };
}

/** Thrown inside request handlers; the router turns it into an HTTP response with a Status body. */
export class StatusError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.name = "StatusError";
  }
}

export const statusError = (code: number, message: string, reason?: StatusReason, details?: StatusDetails) =>
  new StatusError(failureStatus(code, message, reason, details));

/** A refusal of the cluster model, or of the HTTP layer, as the Status body the apiserver sends. */
export function statusOf(error: unknown): KubeStatus {
  if (error instanceof StatusError) return error.status;
  if (error instanceof ClusterError) {
    return failureStatus(error.code, error.message, error.reason as StatusReason | undefined, error.details);
  }
  return failureStatus(500, `loopback apiserver: ${String(error)}`);
}

/** The request's label selector, parsed by the cluster model; bad syntax is a 400 as the apiserver answers. */
export function requestSelector(selector: string | null | undefined): LabelSelector {
  try {
    return parseLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorError) throw statusError(400, error.message);
    throw error;
  }
}

/** The apiserver's wording for a stale watch resourceVersion. */
export const tooOldResourceVersion = (requested: string, oldest: number): KubeStatus =>
  failureStatus(410, `too old resource version: ${requested} (${oldest})`, "Expired");
