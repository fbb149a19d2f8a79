/**
 * One object graph per distinct runtime setting (kubernetes with the server's kubeconfig, or the local
 * runtime with a given data directory), built by the composition root and reused across runs so
 * that all concurrent runs share one set of cluster watches.
 */
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import { createContainer, type RuntimeSelection } from "../container.js";
import { phaseLine } from "../domain/cluster/phase-line.js";
import type { AdapterConfig } from "../domain/config/config-fields.js";
import { EnvironmentProbe } from "../domain/environment/environment-probe.js";
import { runFailure, type RunFailure } from "../domain/errors.js";
import { RunOrchestrator } from "../domain/run/run-orchestrator.js";
import type { LogPort } from "../ports/log-port.js";
import type { BundlePaths } from "./build-run-request.js";
import { PromptBundles } from "./prompt-bundle.js";

export interface RunServices {
  readonly orchestrator: RunOrchestrator;
  readonly environment: EnvironmentProbe;
  readonly bundles: { prepare(ctx: AdapterExecutionContext, config: AdapterConfig): Promise<BundlePaths> };
}

export interface RunServicesProvider {
  for(config: AdapterConfig): RunServices;
  /** Why runs with this config cannot be wired at all on this server (checked before anything starts); null when they can. */
  unavailable?(config: AdapterConfig): RunFailure | null;
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

export class ContainerRunServices implements RunServicesProvider {
  private readonly cache = new Map<string, RunServices>();

  constructor(private readonly options: ContainerRunServicesOptions) {}

  unavailable(config: AdapterConfig): RunFailure | null {
    if (config.runtime === "local" || this.options.kubeconfigPath || this.options.inCluster) return null;
    return runFailure("k8s_not_configured", {
      reason: "it runs outside a cluster (no KUBERNETES_SERVICE_HOST) and its environment has no KUBECONFIG",
    });
  }

  for(config: AdapterConfig): RunServices {
    const selection = runtimeSelectionFor(config, this.options);
    const key = JSON.stringify(selection);
    let services = this.cache.get(key);
    if (!services) {
      // The reconciler sweeps what a crashed server left (orphaned Jobs, run directories), saying
      // so in the server's log with the watch hub's trouble; retained runs are left alone.
      const container = createContainer({
        runtime: selection,
        reconciler: {},
        ...(this.options.log ? { bindings: { log: this.options.log } } : {}),
      });
      services = {
        orchestrator: container.get(RunOrchestrator),
        environment: container.get(EnvironmentProbe),
        bundles: new PromptBundles(
          this.options.moduleDir,
          (ctx, line) => ctx.onLog("stdout", `${phaseLine(line)}\n`),
          this.options.paperclipInstanceRoot ?? null,
        ),
      };
      this.cache.set(key, services);
    }
    return services;
  }
}
