/**
 * One object graph per distinct runtime setting (kubernetes with the server's kubeconfig, or the local
 * runtime with a given data directory), built by the composition root and reused across runs so
 * that all concurrent runs share one set of cluster watches. Paperclip's adapter contract has no
 * shutdown hook, so the graphs are bounded instead: past MAX_WIRED_RUNTIMES settings, the least
 * recently used one with nothing in flight is disposed (its watches, reconciler, worker thread and
 * local pods); a later run with that setting wires it again.
 */
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import type { Container } from "inversify";
import { createContainer, disposeContainer, type RuntimeSelection } from "../container.js";
import { phaseLine } from "../domain/cluster/phase-line.js";
import type { AdapterConfig } from "../domain/config/config-fields.js";
import { EnvironmentProbe } from "../domain/environment/environment-probe.js";
import { runFailure, type RunFailure } from "../domain/errors.js";
import { RunOrchestrator } from "../domain/run/run-orchestrator.js";
import type { LogPort } from "../ports/log-port.js";
import type { BundlePaths } from "./build-run-request.js";
import { PromptBundles } from "./prompt-bundle.js";

export interface RunServices {
  readonly orchestrator: Pick<RunOrchestrator, "run">;
  readonly environment: Pick<EnvironmentProbe, "probe">;
  readonly bundles: { prepare(ctx: AdapterExecutionContext, config: AdapterConfig): Promise<BundlePaths> };
}

export interface RunServicesProvider {
  for(config: AdapterConfig): RunServices;
  /** Why runs with this config cannot be wired at all on this server (checked before anything starts); null when they can. */
  unavailable?(config: AdapterConfig): RunFailure | null;
  /** Releases whatever the provider wired (watches, timers, worker threads, local pods). */
  dispose?(): Promise<void>;
}

export interface ContainerRunServicesOptions {
  /** Where Paperclip's bundled skills are looked up (adapter-utils' moduleDir convention). */
  readonly moduleDir: string;
  /** Extra PATH entries for local-runtime pods (the Claude stand-in's bin directory in demos and tests). */
  readonly localPathPrepend?: readonly string[];
  /** The server's Claude settings local pods inherit as a cluster pod would from the server pod. */
  readonly localServerEnv?: Readonly<Record<string, string>>;
  readonly localServerSecretEnv?: Readonly<Record<string, string>>;
  /** Local-runtime pods without the bubblewrap sandbox (CLAUDE_K8S_LOCAL_UNSANDBOXED=1). */
  readonly localUnsandboxed?: boolean;
  /** The server's KUBECONFIG (never per-agent config); absent uses the in-cluster service account. */
  readonly kubeconfigPath?: string;
  /** Paperclip's instance root from the server's environment: instructions files are read only below it. */
  readonly paperclipInstanceRoot?: string | null;
  /** The server runs in a Kubernetes pod (KUBERNETES_SERVICE_HOST): the in-cluster service account exists. */
  readonly inCluster?: boolean;
  /** The server's log when the host hands one over; default the server's stderr. */
  readonly log?: LogPort;
}

export function runtimeSelectionFor(config: AdapterConfig, options: ContainerRunServicesOptions): RuntimeSelection {
  if (config.runtime === "local") {
    return {
      kind: "local",
      dataDirectory: config.dataMountPath,
      pathPrepend: options.localPathPrepend ?? [],
      ...(options.localServerEnv ? { serverEnv: options.localServerEnv } : {}),
      ...(options.localServerSecretEnv ? { serverSecretEnv: options.localServerSecretEnv } : {}),
      ...(options.localUnsandboxed === true ? { unsandboxed: true } : {}),
    };
  }
  return {
    kind: "kubernetes",
    ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
    ...(config.namespace ? { namespace: config.namespace } : {}),
  };
}

/** Runtime settings kept wired at once; one per namespace or local data directory in use is typical. */
export const MAX_WIRED_RUNTIMES = 8;

/** One runtime setting's object graph, and how it is being used. */
interface Wired {
  readonly container: Container;
  /** Runs and probes using it now: it is never disposed under them. */
  inFlight: number;
  lastUsed: number;
}

export class ContainerRunServices implements RunServicesProvider {
  private readonly wired = new Map<string, Wired>();
  /** Disposals under way, so that dispose() also waits for them. */
  private readonly disposing = new Set<Promise<void>>();
  private uses = 0;
  private readonly bundles: RunServices["bundles"];

  constructor(private readonly options: ContainerRunServicesOptions) {
    this.bundles = new PromptBundles(
      options.moduleDir,
      (ctx, line) => ctx.onLog("stdout", `${phaseLine(line)}\n`),
      options.paperclipInstanceRoot ?? null,
    );
  }

  unavailable(config: AdapterConfig): RunFailure | null {
    if (config.runtime === "local" || this.options.kubeconfigPath || this.options.inCluster) return null;
    return runFailure("k8s_not_configured", {
      reason: "it runs outside a cluster (no KUBERNETES_SERVICE_HOST) and its environment has no KUBECONFIG",
    });
  }

  /** The services for this config's runtime setting; its graph is wired (again) when a run or probe uses it. */
  for(config: AdapterConfig): RunServices {
    const selection = runtimeSelectionFor(config, this.options);
    return {
      orchestrator: {
        run: (...args) => this.using(selection, (container) => container.get(RunOrchestrator).run(...args)),
      },
      environment: {
        probe: (...args) => this.using(selection, (container) => container.get(EnvironmentProbe).probe(...args)),
      },
      bundles: this.bundles,
    };
  }

  /** Disposes every wired graph (a host or test that is done with the adapter). */
  async dispose(): Promise<void> {
    const all = [...this.wired.values()];
    this.wired.clear();
    await Promise.all([...all.map((wired) => this.disposeOne(wired)), ...this.disposing]);
  }

  private async using<T>(selection: RuntimeSelection, use: (container: Container) => Promise<T>): Promise<T> {
    const wired = this.wire(selection);
    wired.inFlight++;
    void this.disposeIdleBeyondLimit();
    try {
      return await use(wired.container);
    } finally {
      wired.inFlight--;
      wired.lastUsed = ++this.uses;
    }
  }

  private wire(selection: RuntimeSelection): Wired {
    const key = JSON.stringify(selection);
    let wired = this.wired.get(key);
    if (!wired) {
      // The reconciler sweeps what a crashed server left (orphaned Jobs, run directories), saying
      // so in the server's log with the watch hub's trouble; retained runs are left alone.
      const container = createContainer({
        runtime: selection,
        reconciler: {},
        ...(this.options.log ? { bindings: { log: this.options.log } } : {}),
      });
      wired = { container, inFlight: 0, lastUsed: 0 };
      this.wired.set(key, wired);
    }
    wired.lastUsed = ++this.uses;
    return wired;
  }

  private async disposeIdleBeyondLimit(): Promise<void> {
    while (this.wired.size > MAX_WIRED_RUNTIMES) {
      const idle = [...this.wired].filter(([, wired]) => wired.inFlight === 0);
      const [oldest] = idle.sort(([, a], [, b]) => a.lastUsed - b.lastUsed);
      if (!oldest) return;
      this.wired.delete(oldest[0]);
      await this.disposeOne(oldest[1]);
    }
  }

  private async disposeOne(wired: Wired): Promise<void> {
    const disposal = disposeContainer(wired.container).catch((error: unknown) =>
      this.options.log?.warn(phaseLine(`disposing a wired runtime failed: ${String(error)}`)),
    );
    this.disposing.add(disposal);
    await disposal;
    this.disposing.delete(disposal);
  }
}
