/**
 * The composition root: the ONE place that binds ports to implementations and wires the domain
 * services. The Paperclip edge, the demo, tests and other orchestrators all build their object
 * graph here, choosing a runtime or passing their own bindings for any port.
 */
import "reflect-metadata";
import { Container } from "inversify";
import { ClientNodeKubernetes } from "./adapters/client-node-kubernetes.js";
import { LocalKubernetesRuntime } from "./adapters/local-runtime/index.js";
import { BoundedFileSystem, defaultFileSystemBounds, type FileSystemBounds } from "./adapters/bounded-file-system.js";
import { NodeFileSystem } from "./adapters/node-file-system.js";
import { StderrLog } from "./adapters/stderr-log.js";
import { SyscallWorkerFileSystem } from "./adapters/syscall-worker-file-system.js";
import { SystemClock } from "./adapters/system-clock.js";
import { ClusterWatchHub } from "./domain/cluster/cluster-watch-hub.js";
import { EnvironmentProbe } from "./domain/environment/environment-probe.js";
import { JobManifestFactory } from "./domain/job/job-manifest-factory.js";
import { PromptDelivery } from "./domain/job/prompt-delivery.js";
import { ConcurrencyGuard } from "./domain/run/concurrency-guard.js";
import { JobLauncher } from "./domain/run/job-launcher.js";
import { PodLifecycle } from "./domain/run/pod-lifecycle.js";
import { RunCleanup } from "./domain/run/run-cleanup.js";
import { RunOrchestrator } from "./domain/run/run-orchestrator.js";
import { RunStreamer } from "./domain/run/run-streamer.js";
import { ServerPodReader } from "./domain/server-pod-reader.js";
import { LiveRuns } from "./domain/run/live-runs.js";
import { DEFAULT_RECONCILER_OPTIONS, RunReconciler, type ReconcilerOptions } from "./domain/run/run-reconciler.js";
import { LogTailer } from "./domain/tailer/log-tailer.js";
import { guardedLog } from "./guarded-log.js";
import { CLOCK_PORT, type ClockPort } from "./ports/clock-port.js";
import { FILE_SYSTEM_PORT, type FileSystemPort } from "./ports/file-system-port.js";
import { KUBERNETES_PORT, type KubernetesPort } from "./ports/kubernetes-port.js";
import { LOG_PORT, type LogPort } from "./ports/log-port.js";
import { bindConstant, bindResolved, bindService } from "./typed-binding.js";

export interface PortBindings {
  readonly fileSystem?: FileSystemPort;
  readonly kubernetes?: KubernetesPort;
  readonly clock?: ClockPort;
  /** The server's log (cluster watch trouble, reconciler removals, local-runtime takeovers); default stderr. */
  readonly log?: LogPort;
}

/** Which KubernetesPort runs the Jobs when `bindings.kubernetes` is not given. */
export type RuntimeSelection =
  | { readonly kind: "kubernetes"; readonly kubeconfigPath?: string; readonly namespace?: string }
  | {
      readonly kind: "local";
      /** The data directory: the PVC's mount path in local pods, identical for writer and tailer. */
      readonly dataDirectory: string;
      /** PATH entries put first in local pods (e.g. the Claude stand-in's bin directory). */
      readonly pathPrepend?: readonly string[];
      /** Literal env of the synthetic server pod that Jobs inherit. */
      readonly serverEnv?: Readonly<Record<string, string>>;
      /** Secret env of the synthetic server pod (credentials): Jobs inherit a `secretKeyRef`. */
      readonly serverSecretEnv?: Readonly<Record<string, string>>;
      /** Pods as plain processes without the bubblewrap sandbox (a machine no one else uses). */
      readonly unsandboxed?: boolean;
    };

export interface ContainerOptions {
  /** Replace any port with your own implementation (a fake, another runtime); you dispose what you bind. */
  readonly bindings?: PortBindings;
  /** The runtime to build when no KubernetesPort is bound; default: client-node in-cluster. */
  readonly runtime?: RuntimeSelection;
  /** The file-system watchdog and thread-pool shares; default: 10 s per call, half of libuv's pool. */
  readonly fileSystemBounds?: FileSystemBounds;
  /**
   * Sweep orphaned Jobs and run directories (on the first run's namespace and run-log root, then
   * periodically); off unless given. `{}` takes the defaults (10 min grace, every 2 min), its lines
   * going to the server's log.
   */
  readonly reconciler?: Partial<ReconcilerOptions>;
}

function kubernetesFor(options: ContainerOptions, clock: ClockPort, log: LogPort): KubernetesPort {
  if (options.bindings?.kubernetes) return options.bindings.kubernetes;
  const runtime = options.runtime;
  if (runtime?.kind === "local") {
    return new LocalKubernetesRuntime({
      dataDirectory: runtime.dataDirectory,
      pathPrepend: runtime.pathPrepend ?? [],
      ...(runtime.serverEnv ? { serverEnv: runtime.serverEnv } : {}),
      ...(runtime.serverSecretEnv ? { serverSecretEnv: runtime.serverSecretEnv } : {}),
      ...(runtime.unsandboxed === true ? { unsandboxed: true } : {}),
      clock,
      log,
    });
  }
  return new ClientNodeKubernetes({
    ...(runtime?.kubeconfigPath ? { kubeconfigPath: runtime.kubeconfigPath } : {}),
    ...(runtime?.namespace ? { namespace: runtime.namespace } : {}),
  });
}

/**
 * Bounded whatever the binding: no file-system call can hold a run or starve the host's thread pool.
 * On the real file system the tail's calls run as batched syscalls on one worker thread (with its
 * own watchdog), everything else through the bounded NodeFileSystem.
 */
function fileSystemFor(options: ContainerOptions): FileSystemPort {
  const bounds = options.fileSystemBounds ?? defaultFileSystemBounds();
  const bounded = new BoundedFileSystem(options.bindings?.fileSystem ?? new NodeFileSystem(), bounds);
  if (options.bindings?.fileSystem || !SyscallWorkerFileSystem.supported) return bounded;
  return new SyscallWorkerFileSystem(bounded, bounds);
}

/** Values the server log must never show: the local runtime's credentials are known here. */
function knownSecrets(options: ContainerOptions): string[] {
  return options.runtime?.kind === "local" ? Object.values(options.runtime.serverSecretEnv ?? {}) : [];
}

/**
 * Builds the object graph. Each binding that holds something (watches, timers, a worker thread,
 * local pods) says how to release it; `disposeContainer` releases them all. Ports passed in
 * `bindings` stay the caller's to dispose.
 */
export function createContainer(options: ContainerOptions = {}): Container {
  const container = new Container({ defaultScope: "Singleton" });
  const K = KUBERNETES_PORT;
  const F = FILE_SYSTEM_PORT;
  const C = CLOCK_PORT;
  const L = LOG_PORT;

  bindConstant(container, C, options.bindings?.clock ?? new SystemClock());
  bindConstant(container, L, guardedLog(options.bindings?.log ?? new StderrLog(), knownSecrets(options)));
  bindResolved(container, F, [], () => fileSystemFor(options)).onDeactivation(async (fileSystem) => {
    if (fileSystem instanceof SyscallWorkerFileSystem) await fileSystem.close();
  });
  bindResolved(container, K, [C, L], (clock, log) => kubernetesFor(options, clock, log)).onDeactivation(
    async (kubernetes) => {
      if (kubernetes !== options.bindings?.kubernetes && kubernetes instanceof LocalKubernetesRuntime)
        await kubernetes.shutdown();
    },
  );

  bindService(container, ServerPodReader, [K, C]);
  bindResolved(
    container,
    ClusterWatchHub,
    [K, C, L],
    (k, c, log) => new ClusterWatchHub(k, c, {}, log.warn),
  ).onDeactivation((hub) => hub.shutdown());
  bindService(container, LogTailer, [F, C]);
  bindService(container, JobManifestFactory, []);
  bindService(container, PromptDelivery, [F]);
  bindService(container, JobLauncher, [K, C]);
  bindService(container, LiveRuns, []);
  bindService(container, ConcurrencyGuard, [K, C, LiveRuns]);
  bindService(container, PodLifecycle, [ClusterWatchHub, K, C]);
  bindService(container, RunStreamer, [LogTailer, C]);
  bindService(container, RunCleanup, [K, F, C]);
  bindService(container, EnvironmentProbe, [K, F]);
  const reconcilerOptions = options.reconciler;
  if (reconcilerOptions) {
    bindResolved(
      container,
      RunReconciler,
      [K, F, C, LiveRuns, RunCleanup, L],
      (k, f, c, liveRuns, cleanup, log) =>
        new RunReconciler(k, f, c, liveRuns, cleanup, {
          ...DEFAULT_RECONCILER_OPTIONS,
          log: log.info,
          ...reconcilerOptions,
        }),
    ).onDeactivation((reconciler) => reconciler.stop());
  }
  bindResolved(
    container,
    RunOrchestrator,
    [
      K,
      C,
      ServerPodReader,
      ConcurrencyGuard,
      PromptDelivery,
      JobManifestFactory,
      JobLauncher,
      PodLifecycle,
      RunStreamer,
      RunCleanup,
      LiveRuns,
    ],
    (...services) =>
      new RunOrchestrator(...services, container.isBound(RunReconciler) ? container.get(RunReconciler) : undefined),
  );
  return container;
}

/**
 * Releases what the container built and holds: the reconciler's timers and the shared cluster
 * watches first (nothing new starts), then the file-system worker thread and, on the local runtime,
 * every pod it started and its sandboxes. Call it when the embedding process is done with it.
 */
export async function disposeContainer(container: Container): Promise<void> {
  for (const id of [RunReconciler, ClusterWatchHub, FILE_SYSTEM_PORT, KUBERNETES_PORT]) {
    if (container.isBound(id)) await container.unbindAsync(id);
  }
  await container.unbindAllAsync();
}
