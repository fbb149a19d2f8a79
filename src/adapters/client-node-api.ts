/**
 * How ClientNodeKubernetes reaches the API server: the typed API clients, made once from the
 * configured credentials (a missing or unreadable kubeconfig is a named `unavailable` error, not
 * client-node's), and one call at a time, each with its own deadline and every failure translated
 * into a KubernetesApiError (client-node-errors.ts).
 */
import {
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
} from "@kubernetes/client-node";
import { KubernetesApiError } from "../ports/kubernetes-port.js";
import { toKubernetesApiError } from "./client-node-errors.js";

export interface ApiClients {
  readonly config: KubeConfig;
  readonly batch: BatchV1Api;
  readonly core: CoreV1Api;
  readonly auth: AuthorizationV1Api;
}

export interface Credentials {
  /** A kubeconfig file; when absent the in-cluster service account is used. */
  readonly kubeconfigPath?: string;
  /** A ready KubeConfig (tests, embedders); wins over kubeconfigPath. */
  readonly kubeConfig?: KubeConfig;
}

/** The API clients for `credentials`; `operation` names the call that needed them in an error. */
export function connectApiClients(credentials: Credentials, operation: string): ApiClients {
  const where = credentials.kubeconfigPath ?? "in-cluster";
  let config = credentials.kubeConfig;
  if (!config) {
    config = new KubeConfig();
    try {
      if (credentials.kubeconfigPath) config.loadFromFile(credentials.kubeconfigPath);
      else config.loadFromCluster();
    } catch (error) {
      throw new KubernetesApiError(
        "unavailable",
        operation,
        `${operation}: cannot load Kubernetes credentials (${where}): ${(error as Error).message}`,
      );
    }
  }
  if (!config.getCurrentCluster()) {
    throw new KubernetesApiError(
      "unavailable",
      operation,
      `${operation}: no Kubernetes cluster is configured (${where}); set the kubeconfig path or run in a pod with a service account`,
    );
  }
  return {
    config,
    batch: config.makeApiClient(BatchV1Api),
    core: config.makeApiClient(CoreV1Api),
    auth: config.makeApiClient(AuthorizationV1Api),
  };
}

export interface ApiCall<T> {
  readonly operation: string;
  /** What the call is about, for the error message ("ns/name", "ns (selector)"). */
  readonly target: string;
  readonly timeoutMs: number;
  readonly action: (options: ConfigurationOptions) => Promise<T>;
  /** The caller's abort (a watch's list), joined with the deadline. */
  readonly signal?: AbortSignal;
  readonly headers?: Record<string, string>;
}

/** Runs one API call with a deadline, translating anything thrown. */
export async function callApi<T>(call: ApiCall<T>): Promise<T> {
  try {
    return await call.action(callOptions(call.timeoutMs, call.signal, call.headers));
  } catch (error) {
    throw toKubernetesApiError({ operation: call.operation, target: call.target, timeoutMs: call.timeoutMs }, error);
  }
}

/** 404 means the object is gone: null instead of an error. */
export async function orNullWhenGone<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof KubernetesApiError && error.kind === "not_found") return null;
    throw error;
  }
}

/**
 * Per-call options: a fresh timeout signal (joined with the caller's, if any) and extra headers on
 * every request. The object API hands call-time middleware to its observable layer as-is, so this
 * is an observable middleware (like client-node's own `setHeaderOptions`).
 */
function callOptions(
  timeoutMs: number,
  signal?: AbortSignal,
  headers: Record<string, string> = {},
): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      const timeout = AbortSignal.timeout(timeoutMs);
      context.setSignal(signal ? AbortSignal.any([timeout, signal]) : timeout);
      for (const [name, value] of Object.entries(headers)) context.setHeaderParam(name, value);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: "append" };
}
