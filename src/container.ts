/**
 * The composition root: the ONE place that binds ports to implementations and wires the domain
 * services. The Paperclip edge, the demo, tests and other orchestrators all build their object
 * graph here, choosing a runtime or passing their own bindings for any port.
 */
import "reflect-metadata";
import { Container } from "inversify";
import { ClientNodeKubernetes, type ClientNodeKubernetesOptions } from "./adapters/client-node-kubernetes.js";
import { LocalKubernetesRuntime } from "./adapters/local-runtime/index.js";
import { BoundedFileSystem, defaultFileSystemBounds, type FileSystemBounds } from "./adapters/bounded-file-system.js";
import { NodeFileSystem } from "./adapters/node-file-system.js";
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
import { CLOCK_PORT, type ClockPort } from "./ports/clock-port.js";
import { FILE_SYSTEM_PORT, type FileSystemPort } from "./ports/file-system-port.js";
import { KUBERNETES_PORT, type KubernetesPort } from "./ports/kubernetes-port.js";

export interface PortBindings {
  readonly fileSystem?: FileSystemPort;
  readonly kubernetes?: KubernetesPort;
  readonly clock?: ClockPort;
}

/** Which KubernetesPort runs the Jobs when `bindings.kubernetes` is not given. */
export type RuntimeSelection =
  | ({ readonly kind: "kubernetes" } & { readonly kubeconfigPath?: string; readonly namespace?: string })
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
  /** Replace any port with your own implementation (a fake, another runtime). */
  readonly bindings?: PortBindings;
  /** The runtime to build when no KubernetesPort is bound; default: client-node in-cluster. */
  readonly runtime?: RuntimeSelection;
  /** The file-system watchdog and thread-pool shares; default: 10 s per call, half of libuv's pool. */
  readonly fileSystemBounds?: FileSystemBounds;
  /**
   * Sweep orphaned Jobs and run directories (on the first run's namespace and run-log root, then
   * periodically); off unless given. `{}` takes the defaults (10 min grace, every 2 min).
   */
  readonly reconciler?: Partial<ReconcilerOptions>;
  /** @deprecated use `runtime: { kind: "kubernetes", ... }`. */
  readonly kubernetes?: ClientNodeKubernetesOptions;
}

function kubernetesFor(options: ContainerOptions, clock: ClockPort): KubernetesPort {
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
    });
  }
  return new ClientNodeKubernetes({
    ...options.kubernetes,
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

export function createContainer(options: ContainerOptions = {}): Container {
  const container = new Container({ defaultScope: "Singleton" });
  const clock = options.bindings?.clock ?? new SystemClock();

  container.bind<FileSystemPort>(FILE_SYSTEM_PORT).toConstantValue(fileSystemFor(options));
  container.bind<ClockPort>(CLOCK_PORT).toConstantValue(clock);
  container.bind<KubernetesPort>(KUBERNETES_PORT).toConstantValue(kubernetesFor(options, clock));

  const K = KUBERNETES_PORT;
  const F = FILE_SYSTEM_PORT;
  const C = CLOCK_PORT;
  container
    .bind(ServerPodReader)
    .toResolvedValue((k: KubernetesPort, c: ClockPort) => new ServerPodReader(k, c), [K, C]);
  container
    .bind(ClusterWatchHub)
    .toResolvedValue((k: KubernetesPort, c: ClockPort) => new ClusterWatchHub(k, c), [K, C]);
  container.bind(LogTailer).toResolvedValue((f: FileSystemPort, c: ClockPort) => new LogTailer(f, c), [F, C]);
  container.bind(JobManifestFactory).toResolvedValue(() => new JobManifestFactory());
  container.bind(PromptDelivery).toResolvedValue((f: FileSystemPort) => new PromptDelivery(f), [F]);
  container.bind(JobLauncher).toResolvedValue((k: KubernetesPort, c: ClockPort) => new JobLauncher(k, c), [K, C]);
  container.bind(LiveRuns).toResolvedValue(() => new LiveRuns());
  container
    .bind(ConcurrencyGuard)
    .toResolvedValue((k: KubernetesPort, c: ClockPort, l: LiveRuns) => new ConcurrencyGuard(k, c, l), [K, C, LiveRuns]);
  container
    .bind(PodLifecycle)
    .toResolvedValue(
      (h: ClusterWatchHub, k: KubernetesPort, c: ClockPort) => new PodLifecycle(h, k, c),
      [ClusterWatchHub, K, C],
    );
  container.bind(RunStreamer).toResolvedValue((t: LogTailer, c: ClockPort) => new RunStreamer(t, c), [LogTailer, C]);
  container
    .bind(RunCleanup)
    .toResolvedValue((k: KubernetesPort, f: FileSystemPort, c: ClockPort) => new RunCleanup(k, f, c), [K, F, C]);
  const reconcilerOptions = options.reconciler;
  if (reconcilerOptions) {
    container
      .bind(RunReconciler)
      .toResolvedValue(
        (k: KubernetesPort, f: FileSystemPort, c: ClockPort, l: LiveRuns, r: RunCleanup) =>
          new RunReconciler(k, f, c, l, r, { ...DEFAULT_RECONCILER_OPTIONS, ...reconcilerOptions }),
        [K, F, C, LiveRuns, RunCleanup],
      );
  }
  container
    .bind(EnvironmentProbe)
    .toResolvedValue((k: KubernetesPort, f: FileSystemPort) => new EnvironmentProbe(k, f), [K, F]);
  container
    .bind(RunOrchestrator)
    .toResolvedValue(
      (
        k: KubernetesPort,
        c: ClockPort,
        pods: ServerPodReader,
        guard: ConcurrencyGuard,
        prompts: PromptDelivery,
        manifests: JobManifestFactory,
        launcher: JobLauncher,
        lifecycle: PodLifecycle,
        streamer: RunStreamer,
        cleanup: RunCleanup,
        liveRuns: LiveRuns,
      ) =>
        new RunOrchestrator(
          k,
          c,
          pods,
          guard,
          prompts,
          manifests,
          launcher,
          lifecycle,
          streamer,
          cleanup,
          liveRuns,
          container.isBound(RunReconciler) ? container.get(RunReconciler) : undefined,
        ),
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
    );
  return container;
}

/**
 * Releases what a container holds: the shared cluster watches and, on the local runtime, every pod
 * it started and its sandboxes. Call it when the embedding process is done with the container.
 */
export async function disposeContainer(container: Container): Promise<void> {
  container.get(ClusterWatchHub).shutdown();
  if (container.isBound(RunReconciler)) container.get(RunReconciler).stop();
  const fileSystem = container.get<FileSystemPort>(FILE_SYSTEM_PORT);
  if (fileSystem instanceof SyscallWorkerFileSystem) await fileSystem.close();
  const kubernetes = container.get<KubernetesPort>(KUBERNETES_PORT);
  if (kubernetes instanceof LocalKubernetesRuntime) await kubernetes.shutdown();
}
