/**
 * One measurement: N concurrent `execute()` calls through the real Paperclip edge, the real
 * container (one ClusterWatchHub: one Job watch + one Pod watch), the real client-node adapter
 * over HTTP and the real LogTailer over NodeFileSystem, against the cluster process.
 *
 * Phases: launch (all N executes start; wait until every pod runs) → settle → idle window (every
 * pod running, nobody writing) → active window (every pod streams for `plan.activeMs`, then exits)
 * → every execute() has returned. CPU and memory are this process's own (process-meter.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdapterExecutionContext, AdapterExecutionResult } from "@paperclipai/adapter-utils";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { createContainer, disposeContainer } from "../../../src/container.js";
import { ClusterWatchHub } from "../../../src/domain/cluster/cluster-watch-hub.js";
import { EnvironmentProbe } from "../../../src/domain/environment/environment-probe.js";
import { JobManifestFactory } from "../../../src/domain/job/job-manifest-factory.js";
import { PromptDelivery } from "../../../src/domain/job/prompt-delivery.js";
import { ConcurrencyGuard } from "../../../src/domain/run/concurrency-guard.js";
import { JobLauncher } from "../../../src/domain/run/job-launcher.js";
import { RunCleanup } from "../../../src/domain/run/run-cleanup.js";
import { LiveRuns } from "../../../src/domain/run/live-runs.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { PodLifecycle } from "../../../src/domain/run/pod-lifecycle.js";
import { RunStreamer } from "../../../src/domain/run/run-streamer.js";
import type { LogTailer } from "../../../src/domain/tailer/log-tailer.js";
import { ServerPodReader } from "../../../src/domain/server-pod-reader.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";
import type { Container } from "inversify";
import { loopbackKubeConfig } from "../../support/loopback-kube-api/index.js";
import { BoundedFileSystem as MainBoundedFileSystem } from "../baseline-tailer/bounded-file-system.js";
import { LogTailer as MainLogTailer } from "../baseline-tailer/log-tailer.js";
import { NodeFileSystem as MainNodeFileSystem } from "../baseline-tailer/node-file-system.js";
import { EXPECTED_FAILURE_CODE, isFailingRun } from "./bench-lines.js";
import { ClusterClient } from "./cluster-client.js";
import { RunLedger } from "./line-ledger.js";
import { PollingPodLifecycle } from "./polling-pod-lifecycle.js";
import { ProcessMeter, percentile, type ProcessCost } from "./process-meter.js";
import { runIndexOf } from "./stand-in-kubelet.js";
import type { WriterPlan } from "./stand-in-pod.js";

/**
 * ours: this tree. baseline: the upstream's per-run polling of the Job for the end of a run.
 * main: this tree with the tailer and its file system as they were before the shared poll
 * scheduler and the syscall worker (a frozen copy in test/bench/baseline-tailer/).
 */
export type BenchMode = "ours" | "baseline" | "main";

export interface ScenarioOptions {
  readonly runs: number;
  readonly mode: BenchMode;
  readonly plan: WriterPlan;
  readonly idleMs: number;
  /** Pause between "every pod runs" and the idle window, for the launch's work to drain. */
  readonly settleMs: number;
  /** The bundled cluster-process script. */
  readonly clusterScript: string;
}

export interface ScenarioResult {
  readonly runs: number;
  readonly mode: BenchMode;
  readonly launch: ProcessCost;
  readonly idle: ProcessCost;
  readonly active: ProcessCost;
  readonly rssBeforeBytes: number;
  readonly requests: Readonly<Record<string, number>>;
  readonly runMinutes: number;
  readonly writeToLogMs: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly count: number;
    /** p99 of the 1 MB lines alone. */
    readonly bigP99: number;
  };
  readonly terminatedToReturnedMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly lost: number;
  readonly duplicated: number;
  readonly corrupt: number;
  readonly misclassified: number;
  /** Runs that never ran, never ended or never returned in time. */
  readonly incomplete: number;
  /** A few unexpected results, to say why. */
  readonly notes: readonly string[];
}

const NAMESPACE = "agents";
const OWN_POD = "paperclip-0";
const RUNNING_TIMEOUT_MS = 180_000;
/** How long after the active window's expected end every execute() must have returned. */
const RETURN_GRACE_MS = 120_000;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

function contextFor(
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

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { runs, mode, plan } = options;
  const dataMountPath = mkdtempSync(join(tmpdir(), "claude-k8s-scale-"));
  const cluster = await ClusterClient.start(options.clusterScript, {
    namespace: NAMESPACE,
    ownPodName: OWN_POD,
    dataMountPath,
    plan,
  });
  const kubernetes = new ClientNodeKubernetes({
    kubeConfig: loopbackKubeConfig(cluster.url, cluster.token, NAMESPACE),
    namespace: NAMESPACE,
    ownPodName: OWN_POD,
  });
  const container = createContainer({ bindings: { kubernetes } });
  // One cancellation signal per run, as Paperclip gives each run its own.
  const aborts: AbortController[] = [];
  const abortAll = () => aborts.forEach((a) => a.abort());
  try {
    const orchestrator =
      mode === "ours"
        ? container.get(RunOrchestrator)
        : mode === "main"
          ? mainTailerOrchestrator(container, kubernetes)
          : baselineOrchestrator(container, kubernetes);
    const services = {
      orchestrator,
      environment: container.get(EnvironmentProbe),
      bundles: { prepare: async () => ({ appendSystemPromptFile: null, addDirs: [] as string[] }) },
    };
    const adapter = createServerAdapter({ services: { for: () => services }, hostEnv: {} });
    const config = {
      runtime: "kubernetes",
      namespace: NAMESPACE,
      dataMountPath,
      paperclipApiUrl: "http://paperclip.paperclip.svc:3100",
    };

    const latencies: number[] = [];
    const bigLatencies: number[] = [];
    const ledgers = new Map<string, RunLedger>();
    const returned = new Map<string, { at: number; result: AdapterExecutionResult }>();
    const runIds = Array.from({ length: runs }, (_, i) => `scale-${mode}-${runs}-${i}`);
    gc();
    const rssBeforeBytes = process.memoryUsage().rss;

    const launchMeter = new ProcessMeter();
    const executions = runIds.map((runId) => {
      const ledger = new RunLedger(latencies, bigLatencies);
      ledgers.set(runId, ledger);
      const abort = new AbortController();
      aborts.push(abort);
      const ctx = contextFor(runId, runIndexOf(runId), config, ledger, abort.signal);
      return adapter.execute(ctx).then((result) => void returned.set(runId, { at: Date.now(), result }));
    });
    await cluster.untilRunning(runs, RUNNING_TIMEOUT_MS);
    const launch = launchMeter.stop();

    await sleep(options.settleMs);
    const idleMeter = new ProcessMeter();
    await sleep(options.idleMs);
    const idle = idleMeter.stop();

    latencies.length = 0; // from here on: lines written while the pods are active
    const activeMeter = new ProcessMeter();
    cluster.beginActive();
    const allReturned = Promise.all(executions);
    // Runs still going long after their pods should have ended are cancelled (and counted incomplete).
    const overdue = setTimeout(abortAll, plan.activeMs + RETURN_GRACE_MS);
    await allReturned;
    clearTimeout(overdue);
    const active = activeMeter.stop();
    const requests = await cluster.requests();

    return judge({
      options,
      launch,
      idle,
      active,
      rssBeforeBytes,
      requests,
      latencies,
      bigLatencies,
      ledgers,
      returned,
      cluster,
      runIds,
    });
  } finally {
    abortAll();
    await disposeContainer(container);
    await cluster.close();
    rmSync(dataMountPath, { recursive: true, force: true });
  }
}

interface Observations {
  readonly options: ScenarioOptions;
  readonly launch: ProcessCost;
  readonly idle: ProcessCost;
  readonly active: ProcessCost;
  readonly rssBeforeBytes: number;
  readonly requests: Readonly<Record<string, number>>;
  readonly latencies: readonly number[];
  readonly bigLatencies: readonly number[];
  readonly ledgers: ReadonlyMap<string, RunLedger>;
  readonly returned: ReadonlyMap<string, { at: number; result: AdapterExecutionResult }>;
  readonly cluster: ClusterClient;
  readonly runIds: readonly string[];
}

function judge(o: Observations): ScenarioResult {
  let lost = 0;
  let duplicated = 0;
  let corrupt = 0;
  let misclassified = 0;
  let incomplete = 0;
  let runMs = 0;
  const endLatencies: number[] = [];
  const notes: string[] = [];
  const note = (text: string) => void (notes.length < 5 && notes.push(text));

  for (const runId of o.runIds) {
    const ended = o.cluster.ended.get(runId);
    const back = o.returned.get(runId);
    const ledger = o.ledgers.get(runId);
    if (!ended || !back || !ledger) {
      incomplete += 1;
      note(`${runId}: ${!ended ? "pod never ended" : "execute() never returned"}`);
      continue;
    }
    runMs += ended.terminatedAt - ended.runningAt;
    endLatencies.push(back.at - ended.terminatedAt);
    for (const [tally, label] of [
      [ledger.stdout.tally(ended.stdoutLines), "stdout"],
      [ledger.stderr.tally(ended.stderrLines), "stderr"],
    ] as const) {
      lost += tally.lost;
      duplicated += tally.duplicated;
      corrupt += tally.corrupt;
      if (tally.lost + tally.duplicated + tally.corrupt > 0) note(`${runId} ${label}: ${JSON.stringify(tally)}`);
    }
    const failing = isFailingRun(runIndexOf(runId));
    const { result } = back;
    const expectedCode = failing ? EXPECTED_FAILURE_CODE : null;
    const expectedExit = failing ? 1 : 0;
    if ((result.errorCode ?? null) !== expectedCode || result.exitCode !== expectedExit) {
      misclassified += 1;
      note(
        `${runId}: expected ${expectedCode ?? "success"}/exit ${expectedExit}, got ${result.errorCode ?? "success"}/exit ${result.exitCode}: ${result.errorMessage ?? ""}`,
      );
    }
  }
  return {
    runs: o.options.runs,
    mode: o.options.mode,
    launch: o.launch,
    idle: o.idle,
    active: o.active,
    rssBeforeBytes: o.rssBeforeBytes,
    requests: o.requests,
    runMinutes: runMs / 60_000,
    writeToLogMs: {
      p50: percentile(o.latencies, 50),
      p99: percentile(o.latencies, 99),
      max: percentile(o.latencies, 100),
      count: o.latencies.length,
      bigP99: percentile(o.bigLatencies, 99),
    },
    terminatedToReturnedMs: {
      p50: percentile(endLatencies, 50),
      p99: percentile(endLatencies, 99),
      max: percentile(endLatencies, 100),
    },
    lost,
    duplicated,
    corrupt,
    misclassified,
    incomplete,
    notes,
  };
}
