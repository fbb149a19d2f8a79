/**
 * The KubernetesPort over @kubernetes/client-node 1.4 (in-cluster by default, or a kubeconfig).
 * Every request carries a timeout; every failure becomes a typed KubernetesApiError
 * (client-node-errors.ts); watches run on client-node's informer (client-node-watch.ts).
 */
import { readFileSync } from "node:fs";
import {
  PatchStrategy,
  type ConfigurationOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1Job,
  type V1Pod,
  type V1Secret,
} from "@kubernetes/client-node";
import type { Job, Pod, Secret } from "../ports/kubernetes-objects.js";
import {
  KubernetesApiError,
  ownedSecret,
  type AccessCheck,
  type AccessDecision,
  type DeletePropagation,
  type JobReference,
  type KubernetesPort,
  type WatchObserver,
  type WatchSubscription,
} from "../ports/kubernetes-port.js";
import { callApi, connectApiClients, orNullWhenGone, type ApiClients } from "./client-node-api.js";
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

export class ClientNodeKubernetes implements KubernetesPort {
  private clients: ApiClients | undefined;
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
    return orNullWhenGone(
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
    const deleted = await orNullWhenGone(
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
    const owned = ownedSecret(secret, owner);
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
    const path = `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;
    return this.watch<V1Job, Job>(config, path, "listJobs", namespace, labelSelector, observer, (request, options) =>
      batch.listNamespacedJob(request, options),
    );
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    const { core, config } = this.api("watchPods");
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    return this.watch<V1Pod, Pod>(config, path, "listPods", namespace, labelSelector, observer, (request, options) =>
      core.listNamespacedPod(request, options),
    );
  }

  readVolumeClaimAccessModes(namespace: string, claimName: string): Promise<readonly string[] | null> {
    return orNullWhenGone(
      this.call("readVolumeClaim", `${namespace}/${claimName}`, async (options) => {
        const claim = await this.api("readVolumeClaim").core.readNamespacedPersistentVolumeClaim(
          { name: claimName, namespace },
          options,
        );
        return claim.spec?.accessModes ?? [];
      }),
    );
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

  /** A label-selected watch on client-node's informer, its list made through `call`. */
  private watch<Raw extends KubernetesObject, T>(
    config: KubeConfig,
    path: string,
    listOperation: string,
    namespace: string,
    labelSelector: string,
    observer: WatchObserver<T>,
    list: (
      request: { namespace: string; labelSelector: string },
      options: ConfigurationOptions,
    ) => Promise<KubernetesListObject<Raw>>,
  ): WatchSubscription {
    const target = `${namespace} (${labelSelector})`;
    return watchWithInformer<Raw, T>(
      {
        config,
        path,
        labelSelector,
        list: (signal) =>
          this.call(listOperation, target, (options) => list({ namespace, labelSelector }, options), signal),
      },
      observer,
    );
  }

  /** Runs one API call with this port's deadline, translating anything thrown. */
  private call<T>(
    operation: string,
    target: string,
    action: (options: ConfigurationOptions) => Promise<T>,
    signal?: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<T> {
    return callApi({
      operation,
      target,
      timeoutMs: this.timeoutMs,
      action,
      ...(signal ? { signal } : {}),
      ...(headers ? { headers } : {}),
    });
  }

  private api(operation: string): ApiClients {
    this.clients ??= connectApiClients(this.options, operation);
    return this.clients;
  }
}
