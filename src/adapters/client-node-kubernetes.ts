/**
 * The KubernetesPort over @kubernetes/client-node 1.4 (in-cluster by default, or a kubeconfig).
 * Every request carries a timeout; every failure becomes a typed KubernetesApiError
 * (client-node-errors.ts); watches run on client-node's informer (client-node-watch.ts).
 */
import { readFileSync } from "node:fs";
import {
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  type ConfigurationOptions,
  type KubernetesListObject,
  type ObservableMiddleware,
  type V1Job,
  type V1Pod,
  type V1Secret,
} from "@kubernetes/client-node";
import type { Job, Pod, Secret } from "../ports/kubernetes-objects.js";
import {
  KubernetesApiError,
  jobOwnerReference,
  type AccessCheck,
  type AccessDecision,
  type DeletePropagation,
  type JobReference,
  type KubernetesPort,
  type WatchObserver,
  type WatchSubscription,
} from "../ports/kubernetes-port.js";
import { toKubernetesApiError } from "./client-node-errors.js";
import { toPlainJson, watchWithInformer } from "./client-node-watch.js";

export { toKubernetesApiError } from "./client-node-errors.js";

const SERVICE_ACCOUNT_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface ClientNodeKubernetesOptions {
  /** A kubeconfig file; when absent the in-cluster service account is used. */
  readonly kubeconfigPath?: string;
  /** A ready KubeConfig (tests, embedders); wins over kubeconfigPath. */
  readonly kubeConfig?: KubeConfig;
  /** Namespace override; else POD_NAMESPACE, the service account's namespace, the context's. */
  readonly namespace?: string;
  /** Name of the pod this process runs in; else HOSTNAME. */
  readonly ownPodName?: string;
  /** Longest wait for one API answer (not for watch streams); default 30 s. */
  readonly requestTimeoutMs?: number;
}

interface Clients {
  readonly config: KubeConfig;
  readonly batch: BatchV1Api;
  readonly core: CoreV1Api;
  readonly auth: AuthorizationV1Api;
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

export class ClientNodeKubernetes implements KubernetesPort {
  private clients: Clients | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: ClientNodeKubernetesOptions = {}) {
    const requested = options.requestTimeoutMs;
    // 0, negative or NaN would abort every request at once: fall back to the default.
    this.timeoutMs =
      requested !== undefined && Number.isFinite(requested) && requested > 0 ? requested : DEFAULT_REQUEST_TIMEOUT_MS;
  }

  async currentNamespace(): Promise<string> {
    if (this.options.namespace) return this.options.namespace;
    if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
    try {
      return readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, "utf8").trim();
    } catch {
      const { config } = this.api("currentNamespace");
      return config.getContextObject(config.currentContext)?.namespace ?? "default";
    }
  }

  async readOwnPod(): Promise<Pod> {
    const name = this.options.ownPodName ?? process.env.HOSTNAME;
    if (!name) {
      throw new KubernetesApiError(
        "unavailable",
        "readOwnPod",
        "readOwnPod: HOSTNAME is not set, so the server's own pod is unknown; set HOSTNAME or the ownPodName option",
      );
    }
    const namespace = await this.currentNamespace();
    return this.call("readOwnPod", `${namespace}/${name}`, async (options) =>
      toPlainJson<Pod>(await this.api("readOwnPod").core.readNamespacedPod({ name, namespace }, options)),
    );
  }

  createJob(namespace: string, job: Job): Promise<Job> {
    const body = job as unknown as V1Job; // Our Job is the API's JSON; the model differs only in Date fields we never set.
    return this.call("createJob", `${namespace}/${job.metadata.name ?? "?"}`, async (options) =>
      toPlainJson<Job>(await this.api("createJob").batch.createNamespacedJob({ namespace, body }, options)),
    );
  }

  async readJob(namespace: string, name: string): Promise<Job | null> {
    return this.orNullWhenGone(
      this.call("readJob", `${namespace}/${name}`, async (options) =>
        toPlainJson<Job>(await this.api("readJob").batch.readNamespacedJob({ name, namespace }, options)),
      ),
    );
  }

  listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    return this.call("listJobs", `${namespace} (${labelSelector})`, async (options) => {
      const list = await this.api("listJobs").batch.listNamespacedJob({ namespace, labelSelector }, options);
      return toPlainJson<Job[]>(list.items);
    });
  }

  resumeJob(namespace: string, name: string): Promise<void> {
    return this.call(
      "resumeJob",
      `${namespace}/${name}`,
      async (options) => {
        await this.api("resumeJob").batch.patchNamespacedJob(
          { name, namespace, body: { spec: { suspend: false } } },
          options,
        );
      },
      undefined,
      { "Content-Type": PatchStrategy.MergePatch },
    );
  }

  async deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<boolean> {
    const deleted = await this.orNullWhenGone(
      this.call("deleteJob", `${namespace}/${name}`, async (options) => {
        await this.api("deleteJob").batch.deleteNamespacedJob(
          { name, namespace, propagationPolicy: propagation },
          options,
        );
        return true;
      }),
    );
    return deleted ?? false;
  }

  createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void> {
    const owned: Secret = {
      ...secret,
      metadata: {
        ...secret.metadata,
        ownerReferences: [jobOwnerReference(owner)],
      },
    };
    // Our Secret is the API's JSON shape; client-node's model differs only in Date-typed fields we never set.
    const body = owned as unknown as V1Secret;
    return this.call("createOwnedSecret", `${namespace}/${secret.metadata.name ?? "?"}`, async (options) => {
      await this.api("createOwnedSecret").core.createNamespacedSecret({ namespace, body }, options);
    });
  }

  listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    return this.call("listPods", `${namespace} (${labelSelector})`, async (options) => {
      const list = await this.api("listPods").core.listNamespacedPod({ namespace, labelSelector }, options);
      return toPlainJson<Pod[]>(list.items);
    });
  }

  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription {
    const { batch, config } = this.api("watchJobs");
    return watchWithInformer<V1Job, Job>(
      {
        config,
        path: `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`,
        labelSelector,
        list: (signal) =>
          this.call(
            "listJobs",
            `${namespace} (${labelSelector})`,
            async (options) => {
              const list = await batch.listNamespacedJob({ namespace, labelSelector }, options);
              return list as KubernetesListObject<V1Job>;
            },
            signal,
          ),
      },
      observer,
    );
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    const { core, config } = this.api("watchPods");
    return watchWithInformer<V1Pod, Pod>(
      {
        config,
        path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`,
        labelSelector,
        list: (signal) =>
          this.call(
            "listPods",
            `${namespace} (${labelSelector})`,
            async (options) => {
              const list = await core.listNamespacedPod({ namespace, labelSelector }, options);
              return list as KubernetesListObject<V1Pod>;
            },
            signal,
          ),
      },
      observer,
    );
  }

  async readVolumeClaimAccessModes(namespace: string, claimName: string): Promise<readonly string[] | null> {
    try {
      return await this.call("readVolumeClaim", `${namespace}/${claimName}`, async (options) => {
        const claim = await this.api("readVolumeClaim").core.readNamespacedPersistentVolumeClaim(
          { name: claimName, namespace },
          options,
        );
        return claim.spec?.accessModes ?? [];
      });
    } catch (error) {
      if (error instanceof KubernetesApiError && error.kind === "not_found") return null;
      throw error;
    }
  }

  async reviewAccess(checks: readonly AccessCheck[]): Promise<AccessDecision[]> {
    const { auth } = this.api("reviewAccess");
    return Promise.all(
      checks.map((check) =>
        this.call("reviewAccess", `${check.verb} ${check.resource} in ${check.namespace}`, async (options) => {
          const review = await auth.createSelfSubjectAccessReview(
            {
              body: {
                apiVersion: "authorization.k8s.io/v1",
                kind: "SelfSubjectAccessReview",
                spec: {
                  resourceAttributes: {
                    namespace: check.namespace,
                    verb: check.verb,
                    resource: check.resource,
                    ...(check.group ? { group: check.group } : {}),
                    ...(check.subresource ? { subresource: check.subresource } : {}),
                  },
                },
              },
            },
            options,
          );
          const allowed = review.status?.allowed === true;
          const reason = review.status?.reason || review.status?.evaluationError;
          return { check, allowed, ...(reason ? { reason } : {}) };
        }),
      ),
    );
  }

  /** Runs one API call with a deadline, translating anything thrown. */
  private async call<T>(
    operation: string,
    target: string,
    action: (options: ConfigurationOptions) => Promise<T>,
    signal?: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<T> {
    try {
      return await action(callOptions(this.timeoutMs, signal, headers));
    } catch (error) {
      throw toKubernetesApiError({ operation, target, timeoutMs: this.timeoutMs }, error);
    }
  }

  /** 404 means the object is gone: null instead of an error. */
  private async orNullWhenGone<T>(pending: Promise<T>): Promise<T | null> {
    try {
      return await pending;
    } catch (error) {
      if (error instanceof KubernetesApiError && error.kind === "not_found") return null;
      throw error;
    }
  }

  private api(operation: string): Clients {
    if (!this.clients) {
      let config = this.options.kubeConfig;
      if (!config) {
        config = new KubeConfig();
        try {
          if (this.options.kubeconfigPath) config.loadFromFile(this.options.kubeconfigPath);
          else config.loadFromCluster();
        } catch (error) {
          throw new KubernetesApiError(
            "unavailable",
            operation,
            `${operation}: cannot load Kubernetes credentials (${this.options.kubeconfigPath ?? "in-cluster"}): ${(error as Error).message}`,
          );
        }
      }
      if (!config.getCurrentCluster()) {
        throw new KubernetesApiError(
          "unavailable",
          operation,
          `${operation}: no Kubernetes cluster is configured (${this.options.kubeconfigPath ?? "in-cluster"}); set the kubeconfig path or run in a pod with a service account`,
        );
      }
      this.clients = {
        config,
        batch: config.makeApiClient(BatchV1Api),
        core: config.makeApiClient(CoreV1Api),
        auth: config.makeApiClient(AuthorizationV1Api),
      };
    }
    return this.clients;
  }
}
