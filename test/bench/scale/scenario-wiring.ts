/**
 * The scale bench's wiring: the orchestrator of each mode (ours as the container builds it; main
 * and baseline with one collaborator swapped) and each run's Paperclip execution context.
 */
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import type { Container } from "inversify";
import type { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { ClusterWatchHub } from "../../../src/domain/cluster/cluster-watch-hub.js";
import { JobManifestFactory } from "../../../src/domain/job/job-manifest-factory.js";
import { PromptDelivery } from "../../../src/domain/job/prompt-delivery.js";
import { ConcurrencyGuard } from "../../../src/domain/run/concurrency-guard.js";
import { JobLauncher } from "../../../src/domain/run/job-launcher.js";
import { LiveRuns } from "../../../src/domain/run/live-runs.js";
import { PodLifecycle } from "../../../src/domain/run/pod-lifecycle.js";
import { RunCleanup } from "../../../src/domain/run/run-cleanup.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { RunStreamer } from "../../../src/domain/run/run-streamer.js";
import { ServerPodReader } from "../../../src/domain/server-pod-reader.js";
import type { LogTailer } from "../../../src/domain/tailer/log-tailer.js";
import { BoundedFileSystem as MainBoundedFileSystem } from "../baseline-tailer/bounded-file-system.js";
import { LogTailer as MainLogTailer } from "../baseline-tailer/log-tailer.js";
import { NodeFileSystem as MainNodeFileSystem } from "../baseline-tailer/node-file-system.js";
import type { RunLedger } from "./line-ledger.js";
import { PollingPodLifecycle } from "./polling-pod-lifecycle.js";
import type { BenchMode } from "./scale-scenario.js";

/** The orchestrator under measure in `mode`. */
export function orchestratorFor(
  mode: BenchMode,
  container: Container,
  kubernetes: ClientNodeKubernetes,
): RunOrchestrator {
  if (mode === "ours") return container.get(RunOrchestrator);
  return mode === "main" ? mainTailerOrchestrator(container, kubernetes) : baselineOrchestrator(container, kubernetes);
}

/** "main": our orchestrator with the tailer as it was before the poll scheduler and the syscall worker. */
function mainTailerOrchestrator(container: Container, kubernetes: ClientNodeKubernetes): RunOrchestrator {
  const clock = new SystemClock();
  const tailer = new MainLogTailer(new MainBoundedFileSystem(new MainNodeFileSystem()), clock);
  // The copy has the same shape; its private fields make the class types nominally different.
  return orchestratorWith(container, kubernetes, clock, {
    streamer: new RunStreamer(tailer as unknown as LogTailer, clock),
  });
}

/** The baseline: our orchestrator with the upstream's polling completion wait swapped in. */
function baselineOrchestrator(container: Container, kubernetes: ClientNodeKubernetes): RunOrchestrator {
  const clock = new SystemClock();
  const podLifecycle = new PollingPodLifecycle(container.get(ClusterWatchHub), kubernetes, clock);
  return orchestratorWith(container, kubernetes, clock, { podLifecycle });
}

/** The container's orchestrator with one collaborator swapped for the variant under measure. */
function orchestratorWith(
  container: Container,
  kubernetes: ClientNodeKubernetes,
  clock: SystemClock,
  swap: { podLifecycle?: PodLifecycle; streamer?: RunStreamer },
): RunOrchestrator {
  return new RunOrchestrator(
    kubernetes,
    clock,
    container.get(ServerPodReader),
    container.get(ConcurrencyGuard),
    container.get(PromptDelivery),
    container.get(JobManifestFactory),
    container.get(JobLauncher),
    swap.podLifecycle ?? container.get(PodLifecycle),
    swap.streamer ?? container.get(RunStreamer),
    container.get(RunCleanup),
    container.get(LiveRuns),
  );
}

export function contextFor(
  runId: string,
  index: number,
  config: Record<string, unknown>,
  ledger: RunLedger,
  signal: AbortSignal,
): AdapterExecutionContext {
  return {
    runId,
    agent: {
      id: `agent-${index}`,
      companyId: "bench",
      name: `Agent ${index}`,
      adapterType: "claude_k8s",
      adapterConfig: config,
    },
    runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
    config,
    context: { taskId: `task-${index}` },
    authToken: "bench-run-token",
    signal,
    onLog: (stream, chunk) => {
      ledger.accept(stream, chunk);
      return Promise.resolve();
    },
    onMeta: () => Promise.resolve(),
  };
}
