/**
 * Settings that act on the Paperclip server itself come from the server's environment (set by the
 * operator), never from per-agent config, which board users and approved hires can edit:
 * - the local runtime runs "pods" as processes on the server: only with CLAUDE_K8S_ENABLE_LOCAL_RUNTIME=1;
 * - the Kubernetes credentials: only the server's KUBECONFIG (else the in-cluster service account);
 * - under the local runtime, config env cannot choose the programs or libraries the server starts
 *   (PATH comes from the server, CLAUDE_K8S_LOCAL_PATH_PREPEND in front of it), nor the command
 *   (Paperclip's Command field), which would name any program on the server.
 * The edge reads the environment once; the domain only ever sees the values.
 */
import { resolvePaperclipInstanceRootForAdapter } from "@paperclipai/adapter-utils/server-utils";
import type { AdapterConfig } from "../domain/config/config-fields.js";
import { runFailure, type RunFailure } from "../domain/errors.js";

export const ENABLE_LOCAL_RUNTIME_ENV = "CLAUDE_K8S_ENABLE_LOCAL_RUNTIME";

export interface ServerSettings {
  readonly localRuntimeEnabled: boolean;
  /** Runs inside a Kubernetes pod (the in-cluster service account can be used). */
  readonly inCluster: boolean;
  /** The server's KUBECONFIG; null uses the in-cluster service account. */
  readonly kubeconfigPath: string | null;
  /** Put in front of the server's PATH for local-runtime pods (the Claude stand-in's bin in demos and tests). */
  readonly localPathPrepend: readonly string[];
  /** Paperclip's instance root (PAPERCLIP_HOME, PAPERCLIP_INSTANCE_ID): where managed instructions live. */
  readonly paperclipInstanceRoot: string | null;
}

export function readServerSettings(env: NodeJS.ProcessEnv): ServerSettings {
  const kubeconfig = env.KUBECONFIG?.split(":").find((path) => path.trim() !== "") ?? null;
  return {
    localRuntimeEnabled: env[ENABLE_LOCAL_RUNTIME_ENV] === "1",
    // Kubernetes sets this in every container; without it there is no service account to fall back to.
    inCluster: Boolean(env.KUBERNETES_SERVICE_HOST),
    kubeconfigPath: kubeconfig,
    localPathPrepend: (env.CLAUDE_K8S_LOCAL_PATH_PREPEND ?? "").split(":").filter(Boolean),
    paperclipInstanceRoot: instanceRoot(env),
  };
}

function instanceRoot(env: NodeJS.ProcessEnv): string | null {
  try {
    return resolvePaperclipInstanceRootForAdapter({ env });
  } catch {
    return null; // an invalid PAPERCLIP_INSTANCE_ID: no instructions file can be trusted
  }
}

/** Env names that pick what a local "pod" process executes or loads on the server host. */
const SERVER_EXECUTION_ENV = ["PATH", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT"];

/** A per-agent setting that would act on the server, refused with what to do instead; null when none. */
export function refuseServerSideSettings(config: AdapterConfig, settings: ServerSettings): RunFailure | null {
  if (config.runtime !== "local") return null;
  if (!settings.localRuntimeEnabled) {
    return runFailure("invalid_config", {
      field: "runtime",
      reason: `"local" runs the agent as processes on the Paperclip server itself, so it is available only when the operator sets ${ENABLE_LOCAL_RUNTIME_ENV}=1 in the server's environment; use "kubernetes"`,
    });
  }
  if (config.command !== "" && config.command !== "claude") {
    return runFailure("invalid_config", {
      field: "command",
      reason: `"${config.command}" would choose a program the local runtime runs on the Paperclip server; leave Command empty (claude is found on the server's PATH, with CLAUDE_K8S_LOCAL_PATH_PREPEND in front)`,
    });
  }
  const chosen = SERVER_EXECUTION_ENV.filter((name) => name in config.env);
  if (chosen.length > 0) {
    return runFailure("invalid_config", {
      field: "env",
      reason: `${chosen.join(", ")} would choose what the local runtime runs on the Paperclip server; remove ${chosen.length === 1 ? "it" : "them"} (the server's PATH is used, with CLAUDE_K8S_LOCAL_PATH_PREPEND in front)`,
    });
  }
  return null;
}
