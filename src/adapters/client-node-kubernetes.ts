import { readFileSync } from "node:fs";
import {
  ApiException,
  AuthorizationV1Api,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
  type V1Job,
  type V1Pod,
  type V1Secret,
} from "@kubernetes/client-node";
import type { Job, Pod, Secret, WatchEventType } from "../ports/kubernetes-objects.js";
import {
  KubernetesApiError,
  type AccessCheck,
  type AccessDecision,
  type DeletePropagation,
  type JobReference,
  type KubernetesErrorKind,
  type KubernetesPort,
  type WatchObserver,
  type WatchSubscription,
} from "../ports/kubernetes-port.js";

const SERVICE_ACCOUNT_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

export interface ClientNodeKubernetesOptions {
  /** A kubeconfig file; when absent the in-cluster service account is used. */
  readonly kubeconfigPath?: string;
  /** A ready KubeConfig (tests, embedders); wins over kubeconfigPath. */
  readonly kubeConfig?: KubeConfig;
  /** Namespace override; else POD_NAMESPACE, the service account's namespace, the context's. */
  readonly namespace?: string;
  /** Name of the pod this process runs in; else HOSTNAME. */
  readonly ownPodName?: string;
}

const KIND_BY_STATUS: Record<number, KubernetesErrorKind> = {
  400: "invalid",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  410: "gone",
  422: "invalid",
};

/** Maps whatever client-node threw to a typed KubernetesApiError. */
export function toKubernetesApiError(operation: string, error: unknown): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  if (error instanceof ApiException) {
    const status = error.code;
    const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? "server_error" : "invalid");
    return new KubernetesApiError(
      kind,
      operation,
      `${operation}: HTTP ${status}: ${statusMessage(error.body)}`,
      status,
    );
  }
  const message = (error as Error | undefined)?.message ?? String(error);
  const code = (error as { code?: string } | undefined)?.code ?? "";
  const name = (error as Error | undefined)?.name ?? "";
  if (name === "AbortError" || name === "TimeoutError" || /ETIMEDOUT|timed? ?out/i.test(`${code} ${message}`)) {
    return new KubernetesApiError("timeout", operation, `${operation}: ${message}`);
  }
  return new KubernetesApiError("network", operation, `${operation}: ${message}`);
}

function statusMessage(body: unknown): string {
  if (typeof body === "string") {
    try {
      return statusMessage(JSON.parse(body) as unknown);
    } catch {
      return body.slice(0, 500);
    }
  }
  if (body && typeof body === "object" && "message" in body) return String((body as { message: unknown }).message);
  return "no message";
}

/** client-node models carry Date objects; the port speaks the API's JSON. */
const toJson = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** The KubernetesPort over @kubernetes/client-node (in-cluster by default). */
export class ClientNodeKubernetes implements KubernetesPort {
  private clients: { batch: BatchV1Api; core: CoreV1Api; auth: AuthorizationV1Api; config: KubeConfig } | undefined;

  constructor(private readonly options: ClientNodeKubernetesOptions = {}) {}

  async currentNamespace(): Promise<string> {
    if (this.options.namespace) return this.options.namespace;
    if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
    try {
      return readFileSync(SERVICE_ACCOUNT_NAMESPACE_FILE, "utf8").trim();
    } catch {
      const context = this.api("currentNamespace").config.getContextObject(
        this.api("currentNamespace").config.currentContext,
      );
      return context?.namespace ?? "default";
    }
  }

  async readOwnPod(): Promise<Pod> {
    const name = this.options.ownPodName ?? process.env.HOSTNAME;
    if (!name) {
      throw new KubernetesApiError(
        "unavailable",
        "readOwnPod",
        "readOwnPod: HOSTNAME is not set, so the server's own pod is unknown",
      );
    }
    const namespace = await this.currentNamespace();
    return this.call("readOwnPod", async () =>
      toJson<Pod>(await this.api("readOwnPod").core.readNamespacedPod({ name, namespace })),
    );
  }

  createJob(namespace: string, job: Job): Promise<Job> {
    return this.call("createJob", async () =>
      toJson<Job>(await this.api("createJob").batch.createNamespacedJob({ namespace, body: job as unknown as V1Job })),
    );
  }

  async readJob(namespace: string, name: string): Promise<Job | null> {
    try {
      return toJson<Job>(await this.api("readJob").batch.readNamespacedJob({ name, namespace }));
    } catch (error) {
      const translated = toKubernetesApiError("readJob", error);
      if (translated.kind === "not_found") return null;
      throw translated;
    }
  }

  listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    return this.call("listJobs", async () =>
      toJson<Job[]>((await this.api("listJobs").batch.listNamespacedJob({ namespace, labelSelector })).items),
    );
  }

  resumeJob(namespace: string, name: string): Promise<void> {
    return this.call("resumeJob", async () => {
      await this.api("resumeJob").batch.patchNamespacedJob(
        { name, namespace, body: { spec: { suspend: false } } },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      );
    });
  }

  async deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<boolean> {
    try {
      await this.api("deleteJob").batch.deleteNamespacedJob({ name, namespace, propagationPolicy: propagation });
      return true;
    } catch (error) {
      const translated = toKubernetesApiError("deleteJob", error);
      if (translated.kind === "not_found") return false;
      throw translated;
    }
  }

  createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void> {
    const owned: Secret = {
      ...secret,
      metadata: {
        ...secret.metadata,
        ownerReferences: [
          {
            apiVersion: "batch/v1",
            kind: "Job",
            name: owner.name,
            uid: owner.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
    };
    // Our Secret is the API's JSON shape; client-node's model differs only in Date-typed fields we never set.
    const body = owned as unknown as V1Secret;
    return this.call("createOwnedSecret", async () => {
      await this.api("createOwnedSecret").core.createNamespacedSecret({ namespace, body });
    });
  }

  listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    return this.call("listPods", async () =>
      toJson<Pod[]>((await this.api("listPods").core.listNamespacedPod({ namespace, labelSelector })).items),
    );
  }

  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription {
    const { batch } = this.api("watchJobs");
    return this.watch<V1Job, Job>(
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      () => batch.listNamespacedJob({ namespace, labelSelector }),
      labelSelector,
      observer,
    );
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    const { core } = this.api("watchPods");
    return this.watch<V1Pod, Pod>(
      `/api/v1/namespaces/${namespace}/pods`,
      () => core.listNamespacedPod({ namespace, labelSelector }),
      labelSelector,
      observer,
    );
  }

  async reviewAccess(checks: readonly AccessCheck[]): Promise<AccessDecision[]> {
    const { auth } = this.api("reviewAccess");
    return Promise.all(
      checks.map((check) =>
        this.call("reviewAccess", async () => {
          const review = await auth.createSelfSubjectAccessReview({
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
          });
          const allowed = review.status?.allowed === true;
          const reason = review.status?.reason ?? review.status?.evaluationError;
          return { check, allowed, ...(reason ? { reason } : {}) };
        }),
      ),
    );
  }

  /** One client-node informer (list, then watch from its resourceVersion; re-lists on 410). */
  private watch<Raw extends KubernetesObject, Out>(
    path: string,
    list: () => Promise<{ items: Raw[]; metadata?: object; apiVersion?: string; kind?: string }>,
    labelSelector: string,
    observer: WatchObserver<Out>,
  ): WatchSubscription {
    const informer = makeInformer<Raw>(
      this.api("watch").config,
      path,
      // makeInformer's list type is KubernetesListObject; client-node's generated lists match it.
      list as unknown as Parameters<typeof makeInformer<Raw>>[2],
      labelSelector || undefined,
    );
    let stopped = false;
    const forward = (type: WatchEventType) => (object: Raw) => {
      if (!stopped) observer.onEvent(type, toJson<Out>(object));
    };
    informer.on("add", forward("ADDED"));
    informer.on("update", forward("MODIFIED"));
    informer.on("delete", forward("DELETED"));
    informer.on("error", (error?: unknown) => {
      if (!stopped) observer.onError?.(toKubernetesApiError(`watch ${path}`, error));
    });
    informer.start().catch((error: unknown) => {
      if (!stopped) observer.onError?.(toKubernetesApiError(`watch ${path}`, error));
    });
    return {
      stop: () => {
        stopped = true;
        void informer.stop().catch(() => undefined);
      },
    };
  }

  private async call<T>(operation: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw toKubernetesApiError(operation, error);
    }
  }

  private api(operation: string): NonNullable<ClientNodeKubernetes["clients"]> {
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
