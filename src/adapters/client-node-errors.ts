/**
 * Whatever client-node (or node-fetch under it) throws, as a typed KubernetesApiError whose
 * message names the operation, the object, what the API said, and what to check.
 */
import { ApiException } from "@kubernetes/client-node";
import { KubernetesApiError, type KubernetesErrorKind } from "../ports/kubernetes-port.js";

/** `createJob agents/run-42` : what was attempted, on what. */
export interface OperationContext {
  readonly operation: string;
  /** `namespace/name`, or a path for watches. */
  readonly target?: string;
  /** The request timeout in force, named in timeout messages. */
  readonly timeoutMs?: number;
}

const KIND_BY_STATUS: Readonly<Record<number, KubernetesErrorKind>> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  408: "timeout",
  409: "conflict",
  410: "gone",
  413: "invalid",
  415: "invalid",
  422: "invalid",
  // Throttled by API priority and fairness: retrying later is exactly right.
  429: "server_error",
  // The apiserver's own "request did not complete within the allowed duration".
  504: "timeout",
};

const HINT: Readonly<Record<KubernetesErrorKind, string>> = {
  not_found: "the object does not exist (deleted, or TTL-collected)",
  conflict: "the object already exists or changed concurrently",
  gone: "the watch's resourceVersion is too old; re-list",
  unauthorized: "the service account token was rejected; check the adapter's credentials",
  forbidden: "the adapter's service account lacks this permission; check its Role/RoleBinding",
  invalid: "the API rejected the object as invalid; check the Job settings in the adapter config",
  server_error: "the API server failed; this is usually transient",
  timeout: "the API server did not answer in time; it may be overloaded or unreachable",
  network: "the API server could not be reached; check the network path and the cluster address",
  unavailable: "no Kubernetes API is configured for this process",
};

export function kindForStatus(status: number): KubernetesErrorKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? "server_error" : "invalid");
}

/** Maps a thrown value to a KubernetesApiError; an existing one passes through unchanged. */
export function toKubernetesApiError(context: OperationContext | string, error: unknown): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  const { operation, target, timeoutMs } = typeof context === "string" ? { operation: context } : context;
  const what = target ? `${operation} ${target}` : operation;
  const make = (kind: KubernetesErrorKind, detail: string, status?: number) =>
    new KubernetesApiError(kind, operation, `${what}: ${detail} (${HINT[kind]})`, status);

  if (error instanceof ApiException) {
    const status = error.code;
    const { reason, message } = parseStatusBody(error.body);
    const said = [reason, message].filter(Boolean).join(": ") || "no Status body";
    return make(kindForStatus(status), `HTTP ${status}: ${said}`, status);
  }
  const e = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    statusCode?: unknown;
    type?: unknown;
  };
  // client-node's Watch rejects a non-200 answer with an Error carrying statusCode.
  if (typeof e.statusCode === "number") {
    return make(kindForStatus(e.statusCode), `HTTP ${e.statusCode}: ${String(e.message ?? "")}`, e.statusCode);
  }
  const message = typeof e.message === "string" ? e.message : String(error);
  const code = typeof e.code === "string" ? e.code : "";
  // Our per-request AbortSignal.timeout surfaces as node-fetch's AbortError.
  if (e.name === "AbortError" || e.name === "TimeoutError" || code === "ETIMEDOUT" || e.type === "request-timeout") {
    const limit = timeoutMs !== undefined ? `no answer within ${timeoutMs} ms` : "no answer in time";
    return make("timeout", `${limit} (${message})`);
  }
  // A 2xx whose body is not the JSON the client expected: the server (or a proxy) misbehaved.
  if (error instanceof SyntaxError) return make("server_error", `unreadable response: ${message}`);
  return make("network", code ? `${code}: ${message}` : message);
}

function parseStatusBody(body: unknown): { reason?: string; message?: string } {
  let value: unknown = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return { message: body.slice(0, 500) };
    }
  }
  if (!value || typeof value !== "object") return {};
  const { reason, message } = value as { reason?: unknown; message?: unknown };
  return {
    ...(typeof reason === "string" && reason ? { reason } : {}),
    ...(typeof message === "string" && message ? { message: message.slice(0, 1000) } : {}),
  };
}
