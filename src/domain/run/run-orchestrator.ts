/**
 * One agent run, from request to truthful outcome: the story, told by the run's phases (see run.ts).
 * Every failure is a value with a code; every wait is bounded; cleanup runs on every path.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import type { JobManifestFactory } from "../job/job-manifest-factory.js";
import type { PromptDelivery } from "../job/prompt-delivery.js";
import type { ServerPodReader } from "../server-pod-reader.js";
import type { AgentRunRequest, RunObserver, RunReport } from "./agent-run-request.js";
import type { ConcurrencyGuard } from "./concurrency-guard.js";
import type { JobLauncher } from "./job-launcher.js";
import type { LiveRuns } from "./live-runs.js";
import type { PodLifecycle } from "./pod-lifecycle.js";
import type { RunCleanup } from "./run-cleanup.js";
import type { RunReconciler } from "./run-reconciler.js";
import type { RunStreamer } from "./run-streamer.js";
import { Run, type RunServices } from "./run.js";

export class RunOrchestrator {
  private readonly services: RunServices;

  constructor(
    kubernetes: KubernetesPort,
    clock: ClockPort,
    serverPod: ServerPodReader,
    guard: ConcurrencyGuard,
    prompts: PromptDelivery,
    manifests: JobManifestFactory,
    launcher: JobLauncher,
    pods: PodLifecycle,
    streamer: RunStreamer,
    cleanup: RunCleanup,
    private readonly liveRuns: LiveRuns,
    /** Sweeps what dead servers left behind, in each namespace and run-log root runs use. */
    private readonly reconciler?: RunReconciler,
  ) {
    this.services = {
      kubernetes,
      clock,
      serverPod,
      guard,
      prompts,
      manifests,
      launcher,
      pods,
      streamer,
      cleanup,
      liveRuns,
    };
  }

  async run(request: AgentRunRequest, observer: RunObserver, signal: AbortSignal): Promise<RunReport> {
    // While this run lives, its directory is never swept as an orphan's.
    const releaseRun = this.liveRuns.holdRun(request.runId);
    try {
      return await this.carryOut(new Run(request, observer, signal, this.services), request);
    } finally {
      releaseRun();
    }
  }

  private async carryOut(run: Run, request: AgentRunRequest): Promise<RunReport> {
    const prepared = run.prepare();
    if (!prepared.ok) return run.refused(prepared.failure);
    const placed = await run.place(prepared.value);
    if (!placed.ok) return run.refused(placed.failure);
    const { namespace } = placed.value;
    this.reconciler?.keepSweeping(namespace, request.runLogRoot);

    // One claim per agent at a time in this process; the API server's run slot settles the rest.
    const claim = await this.liveRuns.exclusive(`${request.tenantId}/${request.agentId}`, () =>
      run.claim(placed.value),
    );
    if (claim.kind === "refused") return run.refused(claim.failure, namespace);
    if (claim.kind === "cancelled") return run.cancelledBeforeLaunch(namespace);
    if (claim.kind === "failed") return run.launchFailed(placed.value, claim.failure);
    return run.follow(claim);
  }
}
