/**
 * `KubernetesPort` on one machine: the Jobs and Secrets the adapter builds are stored here and
 * their pods run as local processes (LocalPodRunner), with what a cluster would report — pod
 * phases and container states, Job conditions, suspend/resume, deletion with propagation and
 * owner-reference garbage collection, activeDeadlineSeconds and ttlSecondsAfterFinished.
 *
 * This file is the API surface; the store and the Job controller are the cluster model's
 * (../cluster-model), this machine's additions local-cluster-store.ts, the node local-kubelet.ts
 * over local-pod-runner.ts (made by local-pod-host.ts), the path rule mount-table.ts and the
 * options local-runtime-options.ts.
 * `shutdown()` kills every pod it started, waits for them, and removes every sandbox; a process
 * that exits without calling it still SIGKILLs the pods and removes the sandboxes (exit-cleanup.ts).
 * A process that is killed (SIGKILL, OOM) leaves its pods running and its state on disk
 * (runtime-state-directory.ts): the next runtime on the data directory takes them over.
 */
import type { Job, Pod, Secret } from "../../ports/kubernetes-objects.js";
import { KubernetesApiError, ownedSecret } from "../../ports/kubernetes-port.js";
import type {
  AccessCheck,
  AccessDecision,
  DeletePropagation,
  JobReference,
  KubernetesPort,
  WatchObserver,
  WatchSubscription,
} from "../../ports/kubernetes-port.js";
import { SystemClock } from "../system-clock.js";
import { jobAdmissionProblems } from "./job-admission.js";
import { markSuspended } from "../cluster-model/job-conditions.js";
import { JobController } from "../cluster-model/job-controller.js";
import { LocalClusterStore, portError, selectorFor } from "./local-cluster-store.js";
import { LocalKubelet } from "./local-kubelet.js";
import { LocalPodHost } from "./local-pod-host.js";
import { DEFAULT_DATA_CLAIM_NAME } from "./local-pod-runner.js";
import { normalizeAbsolutePath, type DataVolumeRule } from "./mount-table.js";
import { RuntimeStateDirectory } from "./runtime-state-directory.js";
import { takeOver } from "./local-recovery.js";
import { LOCAL_SERVER_SECRET_NAME, syntheticOwnPod } from "./synthetic-own-pod.js";
import type { LocalKubernetesRuntimeOptions } from "./local-runtime-options.js";

export type { LocalKubernetesRuntimeOptions } from "./local-runtime-options.js";

export class LocalKubernetesRuntime implements KubernetesPort {
  private readonly store: LocalClusterStore;
  private readonly controller: JobController;
  private readonly kubelet: LocalKubelet;
  private readonly rule: DataVolumeRule;
  private readonly namespace: string;
  private readonly host: LocalPodHost;
  private closed = false;
  private readonly state: RuntimeStateDirectory;
  /** Settles once the pods of a server that died are watched again (see local-recovery.ts). */
  readonly recovered: Promise<void>;

  constructor(private readonly options: LocalKubernetesRuntimeOptions) {
    if (!options.dataDirectory.startsWith("/")) {
      throw new Error(
        `LocalKubernetesRuntime: dataDirectory must be an absolute path (got "${options.dataDirectory}")`,
      );
    }
    const clock = options.clock ?? new SystemClock();
    this.namespace = options.namespace ?? "local";
    this.rule = {
      dataDirectory: normalizeAbsolutePath(options.dataDirectory),
      dataClaimName: options.dataClaimName ?? DEFAULT_DATA_CLAIM_NAME,
    };
    this.state = RuntimeStateDirectory.open(options.stateDirectory ?? `${this.rule.dataDirectory}/.local-runtime`);
    this.store = new LocalClusterStore(clock, this.state);
    this.host = new LocalPodHost(options, this.rule, this.store, this.state);
    this.kubelet = new LocalKubelet(this.store, () => this.host.podRunner(), options.killGraceMs);
    this.controller = new JobController(this.store.objects, clock, () => this.kubelet);
    this.storeServerSecret(options.serverSecretEnv ?? {});
    this.recovered = takeOver(this.state.claimOrphanedState(), {
      store: this.store,
      controller: this.controller,
      kubelet: this.kubelet,
      log: options.log,
      dataDirectory: this.rule.dataDirectory,
    });
  }

  private storeServerSecret(values: Readonly<Record<string, string>>): void {
    if (Object.keys(values).length === 0) return;
    this.store.createMemoryOnlySecret(this.namespace, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: LOCAL_SERVER_SECRET_NAME },
      stringData: { ...values },
    });
  }

  // ---- KubernetesPort ---------------------------------------------------------------------------

  async currentNamespace(): Promise<string> {
    this.assertOpen("currentNamespace");
    return this.namespace;
  }

  async readOwnPod(): Promise<Pod> {
    this.assertOpen("readOwnPod");
    return syntheticOwnPod({
      namespace: this.namespace,
      dataDirectory: this.rule.dataDirectory,
      dataClaimName: this.rule.dataClaimName,
      env: this.options.serverEnv ?? {},
      secretEnv: {
        secretName: LOCAL_SERVER_SECRET_NAME,
        names: Object.keys(this.options.serverSecretEnv ?? {}),
      },
    });
  }

  async createJob(namespace: string, job: Job): Promise<Job> {
    this.assertOpen("createJob");
    const name = job.metadata.name ?? "";
    const problems = jobAdmissionProblems(job, this.rule);
    if (problems.length > 0) {
      throw new KubernetesApiError(
        "invalid",
        "createJob",
        `local runtime refuses Job "${name}": ${problems.join("; ")}`,
        422,
      );
    }
    const input: Job = { ...structuredClone(job), apiVersion: "batch/v1", kind: "Job", status: {} };
    if (input.spec.suspend === true) markSuspended(input, this.store.timestamp());
    const created = this.port("createJob", () => this.store.objects.create("jobs", namespace, input));
    this.controller.reconcile(namespace, name);
    return structuredClone(created);
  }

  async readJob(namespace: string, name: string): Promise<Job | null> {
    this.assertOpen("readJob");
    const job = this.store.objects.get("jobs", namespace, name);
    return job ? structuredClone(job) : null;
  }

  async listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    this.assertOpen("listJobs");
    return structuredClone(this.store.objects.list("jobs", namespace, selectorFor(labelSelector, "listJobs")));
  }

  async resumeJob(namespace: string, name: string): Promise<void> {
    this.assertOpen("resumeJob");
    const job = this.store.objects.get("jobs", namespace, name);
    if (!job) throw new KubernetesApiError("not_found", "resumeJob", `jobs.batch "${name}" not found`, 404);
    if (job.spec.suspend !== true) return;
    this.store.objects.update("jobs", namespace, name, (j) => (j.spec.suspend = false));
    this.controller.reconcile(namespace, name);
  }

  async deleteJob(namespace: string, name: string, propagation: DeletePropagation): Promise<boolean> {
    this.assertOpen("deleteJob");
    const job = this.store.objects.get("jobs", namespace, name);
    if (!job) return false;
    if (!job.metadata.deletionTimestamp) void this.controller.deleteJob(namespace, name, propagation).catch(ignore);
    return true;
  }

  async createOwnedSecret(namespace: string, secret: Secret, owner: JobReference): Promise<void> {
    this.assertOpen("createOwnedSecret");
    const input = ownedSecret(secret, owner);
    this.port("createOwnedSecret", () => this.store.objects.create("secrets", namespace, input));
    // As the garbage collector would: a Secret whose owner is already gone does not survive.
    this.controller.collectSecrets();
  }

  async listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    this.assertOpen("listPods");
    return structuredClone(this.store.objects.list("pods", namespace, selectorFor(labelSelector, "listPods")));
  }

  watchJobs(namespace: string, labelSelector: string, observer: WatchObserver<Job>): WatchSubscription {
    this.assertOpen("watchJobs");
    const selector = selectorFor(labelSelector, "watchJobs");
    return this.store.jobWatches.subscribe(namespace, selector, observer, this.store.objects.all("jobs"));
  }

  watchPods(namespace: string, labelSelector: string, observer: WatchObserver<Pod>): WatchSubscription {
    this.assertOpen("watchPods");
    const selector = selectorFor(labelSelector, "watchPods");
    return this.store.podWatches.subscribe(namespace, selector, observer, this.store.objects.all("pods"));
  }

  /** The local data directory is shared by every "pod" on this machine, like a ReadWriteMany claim. */
  async readVolumeClaimAccessModes(_namespace: string, claimName: string): Promise<readonly string[] | null> {
    this.assertOpen("readVolumeClaimAccessModes");
    return claimName === (this.options.dataClaimName ?? DEFAULT_DATA_CLAIM_NAME) ? ["ReadWriteMany"] : null;
  }

  async reviewAccess(checks: readonly AccessCheck[]): Promise<AccessDecision[]> {
    this.assertOpen("reviewAccess");
    return checks.map((check) => ({ check, allowed: true, reason: "the local runtime allows everything" }));
  }

  // ---- beyond the port: settling and shutdown ---------------------------------------------------

  /** Resolves once every pod deletion in flight (delete, deadline, TTL) has finished. */
  settled(): Promise<void> {
    return this.controller.pods.settled();
  }

  /** Kills every pod this runtime started, waits for them, and removes all sandboxes. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.host.stopExitCleanup();
    await this.recovered.catch(() => undefined);
    await this.controller.close();
    await this.host.removeSandboxRoot();
    // Everything it held is stopped: nothing is left for another runtime to take over.
    this.state.remove();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** Runs a write of the cluster model, its refusal (409, 422) as the port's error. */
  private port<T>(operation: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      throw portError(error, operation);
    }
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new KubernetesApiError("unavailable", operation, "the local runtime was shut down");
  }
}

const ignore = (): void => undefined;
