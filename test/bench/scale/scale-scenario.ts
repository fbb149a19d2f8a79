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
import type { AdapterExecutionResult } from "@paperclipai/adapter-utils";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { createContainer, disposeContainer } from "../../../src/container.js";
import { EnvironmentProbe } from "../../../src/domain/environment/environment-probe.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";
import { loopbackKubeConfig } from "../../support/loopback-kube-api/index.js";
import { ClusterClient } from "./cluster-client.js";
import { RunLedger } from "./line-ledger.js";
import { ProcessMeter, type ProcessCost } from "./process-meter.js";
import { judge } from "./scenario-judge.js";
import { contextFor, orchestratorFor } from "./scenario-wiring.js";
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
    const orchestrator = orchestratorFor(mode, container, kubernetes);
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
