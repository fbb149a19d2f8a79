/** Turning Kubernetes API errors into named failures and log text. */
import { KubernetesApiError } from "../../ports/kubernetes-port.js";
import { runFailure, type RunFailure } from "../errors.js";

/** Anything a port call threw, as a KubernetesApiError (unknown errors count as network failures, retryable). */
export function asApiError(error: unknown, operation: string): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new KubernetesApiError("network", operation, message);
}

/** "server_error 500: boom" — the kind, the HTTP status when there is one, and the API's message. */
export function describeApiError(error: KubernetesApiError): string {
  return `${error.kind}${error.status === undefined ? "" : ` ${error.status}`}: ${error.message}`;
}

/** k8s_api_error naming the operation, its status and the API's message. */
export function apiFailure(error: KubernetesApiError): RunFailure {
  return runFailure("k8s_api_error", {
    operation: error.operation,
    status: error.status ?? error.kind,
    detail: error.message,
  });
}
