/**
 * The checks behind Paperclip's "test environment" button: each names what it verified, at which
 * level (info / warn / error), and how to fix a problem. A test must not change what it tests: the
 * probe creates nothing in the cluster and no directory anywhere; it writes, reads and removes one
 * probe file in the run-log root, or, before the first run made that root, in its nearest existing
 * parent on the data volume.
 */
import type { FileSystemPort } from "../../ports/file-system-port.js";
import type { Pod } from "../../ports/kubernetes-objects.js";
import type { AccessCheck, KubernetesPort } from "../../ports/kubernetes-port.js";
import type { AdapterConfig } from "../config/config-fields.js";
import { AGENT_API_URL_ENV } from "../job/agent-api-env.js";
import { isLoopbackUrl, resolveOptionalPodApiUrl, resolvePodApiUrl } from "../job/api-url.js";
import { inheritFromServerPod, serverContainerOf } from "../job/server-pod-inheritance.js";
import { inheritanceChecks } from "./inheritance-report.js";
import { REQUIRED_ACCESS } from "./required-access.js";
import { isWithin, normalizePath } from "../volume-layout.js";
import { FileSystemError } from "../../ports/file-system-port.js";

export type CheckLevel = "info" | "warn" | "error";

export interface EnvironmentCheck {
  readonly code: string;
  readonly level: CheckLevel;
  readonly message: string;
  readonly hint?: string;
}

export interface EnvironmentReport {
  readonly status: "pass" | "warn" | "fail";
  readonly checks: readonly EnvironmentCheck[];
}

export interface ProbeHints {
  /**
   * The caller's own local API URL (Paperclip's loopback default, AgentRunRequest.localApiUrl): what
   * a local-runtime run falls back to, so the check reports the URL runs will use.
   */
  readonly localApiUrl?: string | null;
  /** The caller's agents never call its API back: no URL configured or inherited is then fine. */
  readonly apiUrlOptional?: boolean;
}

export class EnvironmentProbe {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly fileSystem: FileSystemPort,
  ) {}

  async probe(
    config: AdapterConfig,
    runLogRoot: string,
    probeName: string,
    hints: ProbeHints = {},
  ): Promise<EnvironmentReport> {
    const checks: EnvironmentCheck[] = [];
    const pod = await this.checkOwnPod(checks);
    const namespace =
      config.namespace || pod?.metadata.namespace || (await this.kubernetes.currentNamespace().catch(() => ""));
    checks.push(
      namespace
        ? { code: "k8s_namespace", level: "info", message: `Run Jobs go to namespace ${namespace}` }
        : {
            code: "k8s_namespace",
            level: "error",
            message: "No namespace could be determined",
            hint: "Set the namespace field.",
          },
    );
    if (namespace) await this.checkAccess(namespace, checks);
    if (pod) await this.checkDataVolume(pod, namespace, config, checks);
    await this.checkRunLogRoot(runLogRoot, config.dataMountPath, probeName, checks);
    this.checkApiUrl(pod, config, hints, checks);
    return { status: statusOf(checks), checks };
  }

  private async checkOwnPod(checks: EnvironmentCheck[]): Promise<Pod | null> {
    try {
      const pod = await this.kubernetes.readOwnPod();
      checks.push({ code: "k8s_api_reachable", level: "info", message: "Kubernetes API answered" });
      checks.push({
        code: "k8s_own_pod_found",
        level: "info",
        message: `Paperclip server pod ${pod.metadata.namespace}/${pod.metadata.name} found (image ${pod.spec.containers[0]?.image ?? "?"})`,
      });
      return pod;
    } catch (error) {
      const message = (error as Error).message;
      checks.push({
        code: "k8s_api_unreachable",
        level: "error",
        message: `Cannot read the Paperclip server's own pod: ${message}`,
        hint: "Run Paperclip in the cluster with a service account (or set KUBECONFIG in the server's environment), and set HOSTNAME/POD_NAMESPACE.",
      });
      return null;
    }
  }

  private async checkAccess(namespace: string, checks: EnvironmentCheck[]): Promise<void> {
    const wanted: AccessCheck[] = REQUIRED_ACCESS.map((access) => ({ ...access, namespace }));
    try {
      for (const decision of await this.kubernetes.reviewAccess(wanted)) {
        const { verb, resource, subresource } = decision.check;
        const what = `${verb} ${resource}${subresource ? `/${subresource}` : ""}`;
        checks.push(
          decision.allowed
            ? { code: `k8s_rbac_${verb}_${resource}`, level: "info", message: `Allowed to ${what} in ${namespace}` }
            : {
                code: `k8s_rbac_${verb}_${resource}`,
                level: "error",
                message: `Not allowed to ${what} in ${namespace}${decision.reason ? ` (${decision.reason})` : ""}`,
                hint: `Grant the Paperclip service account "${verb}" on ${resource} in ${namespace} (see the README's Role).`,
              },
        );
      }
    } catch (error) {
      checks.push({
        code: "k8s_rbac_unchecked",
        level: "warn",
        message: `Access reviews failed: ${(error as Error).message}`,
      });
    }
  }

  private async checkDataVolume(pod: Pod, namespace: string, config: AdapterConfig, checks: EnvironmentCheck[]) {
    // The same lookup the Job manifest makes, so the check and the runs cannot disagree.
    const inherited = inheritFromServerPod(pod, config);
    const claimName = inherited.ok ? inherited.value.dataVolume.volume.persistentVolumeClaim?.claimName : undefined;
    if (!inherited.ok || !claimName) {
      checks.push({
        code: "data_volume_missing",
        level: "error",
        message: inherited.ok
          ? `No PersistentVolumeClaim is mounted at ${config.dataMountPath}`
          : inherited.failure.errorMessage,
        hint: "Mount a ReadWriteMany PVC at the data mount path: run pods mount the same claim to share their logs.",
      });
      return;
    }
    checks.push(...inheritanceChecks(inherited.value, config));
    const modes = await this.kubernetes.readVolumeClaimAccessModes(pod.metadata.namespace ?? namespace, claimName).then(
      (found) => found,
      (error: unknown) => (error as Error).message,
    );
    const where = `PVC ${claimName} mounted at ${config.dataMountPath}`;
    if (typeof modes === "string") {
      checks.push({
        code: "data_volume_mounted",
        level: "warn",
        message: `${where}; its access modes could not be read: ${modes}`,
      });
    } else if (modes === null) {
      checks.push({ code: "data_volume_missing", level: "error", message: `${where} does not exist in the cluster` });
    } else if (!modes.includes("ReadWriteMany")) {
      checks.push({
        code: "data_volume_not_rwx",
        level: "warn",
        message: `${where} is ${modes.join(", ") || "without access modes"}, not ReadWriteMany`,
        hint: "Run pods on other nodes cannot mount it; use a ReadWriteMany storage class (NFS, EFS, CephFS).",
      });
    } else {
      checks.push({ code: "data_volume_mounted", level: "info", message: `${where} is ReadWriteMany` });
    }
  }

  /**
   * Probes the run-log root if it exists; else its nearest existing parent on the data volume (runs
   * create the rest). Never creates a directory, and never writes above the data mount path.
   */
  private async checkRunLogRoot(
    root: string,
    dataMountPath: string,
    probeName: string,
    checks: EnvironmentCheck[],
  ): Promise<void> {
    for (const directory of probeCandidates(root, dataMountPath)) {
      const outcome = await this.probeDirectory(directory, probeName);
      if (outcome === "missing") continue;
      if (outcome === "ok") {
        checks.push({
          code: "run_log_root_writable",
          level: "info",
          message:
            directory === normalizePath(root)
              ? `Run-log root ${root} is writable and readable`
              : `Run-log root ${root} does not exist yet (the first run creates it); ${directory} above it is writable and readable`,
        });
      } else {
        checks.push({
          code: "run_log_root_unwritable",
          level: "error",
          message: `Cannot create, read and remove a file in ${directory}: ${outcome.message}`,
          hint: "The run-log root must be on the shared volume and writable by the Paperclip server.",
        });
      }
      return;
    }
    checks.push({
      code: "run_log_root_missing",
      level: "error",
      message: `Neither the run-log root ${root} nor the data mount path ${dataMountPath} exists on the Paperclip server`,
      hint: "Mount the shared ReadWriteMany volume at the data mount path (or set dataMountPath to where it is mounted).",
    });
  }

  /** Writes, reads back and removes one probe file in `directory`; "missing" when the directory does not exist. */
  private async probeDirectory(directory: string, probeName: string): Promise<"ok" | "missing" | Error> {
    const probe = `${directory.replace(/\/+$/, "")}/${probeName}`;
    const text = `claude-k8s probe ${probeName}`;
    const scope = { under: directory };
    try {
      await this.fileSystem.writeFileAtomic(probe, text, 0o644, scope);
    } catch (error) {
      if (error instanceof FileSystemError && error.code === "ENOENT") return "missing";
      return error as Error;
    }
    try {
      const read = new TextDecoder().decode(await this.fileSystem.readSmallFile(probe, 1024, scope));
      if (read !== text) throw new Error("the probe file read back different bytes");
      return "ok";
    } catch (error) {
      return error as Error;
    } finally {
      await this.fileSystem.unlink(probe, scope).catch(() => false);
    }
  }

  /** The same rule the Job manifest applies (`resolvePodApiUrl`), so a passing check means runs get a URL. */
  private checkApiUrl(pod: Pod | null, config: AdapterConfig, hints: ProbeHints, checks: EnvironmentCheck[]): void {
    const inherited = (pod ? serverContainerOf(pod) : undefined)?.env?.find((e) => e.name === AGENT_API_URL_ENV)?.value;
    const sources = {
      configured: config.paperclipApiUrl,
      serverPodValue: inherited ?? null,
      localValue: hints.localApiUrl ?? null,
      allowLoopback: config.runtime === "local",
    };
    const resolved = hints.apiUrlOptional ? resolveOptionalPodApiUrl(sources) : resolvePodApiUrl(sources);
    if (resolved.ok && resolved.value === null) {
      checks.push({
        code: "paperclip_api_url",
        level: "info",
        message: "Run pods get no PAPERCLIP_API_URL (none set)",
      });
      return;
    }
    if (resolved.ok) {
      checks.push({
        code: "paperclip_api_url",
        level: "info",
        message: `Run pods reach Paperclip at ${resolved.value}`,
      });
      return;
    }
    const candidate = (config.paperclipApiUrl || inherited || "").trim();
    checks.push({
      code: !candidate
        ? "paperclip_api_url_missing"
        : isLoopbackUrl(candidate)
          ? "paperclip_api_url_loopback"
          : "paperclip_api_url_unreachable",
      level: "error",
      message: resolved.failure.errorMessage,
      hint: "Set paperclipApiUrl to the Paperclip Service's cluster address (e.g. http://paperclip.<namespace>.svc:3100).",
    });
  }
}

/** The run-log root, then each parent up to the data mount path (only the root itself when it lies elsewhere). */
function probeCandidates(root: string, dataMountPath: string): string[] {
  const mount = normalizePath(dataMountPath);
  let current = normalizePath(root);
  const candidates = [current];
  while (current !== mount && isWithin(current, mount)) {
    current = current.slice(0, current.lastIndexOf("/")) || "/";
    candidates.push(current);
  }
  return candidates;
}

function statusOf(checks: readonly EnvironmentCheck[]): EnvironmentReport["status"] {
  if (checks.some((c) => c.level === "error")) return "fail";
  if (checks.some((c) => c.level === "warn")) return "warn";
  return "pass";
}
