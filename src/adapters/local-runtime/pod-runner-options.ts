/**
 * What the local kubelet is told about this machine (sandbox root, data volume, PATH, grace,
 * sandboxing), and the one rule derived from it that both the runner and each running pod use:
 * where a pod's mounts are on this machine.
 */
import type { Pod } from "../../ports/kubernetes-objects.js";
import { MountTable, type DataVolumeRule, type MountMapping } from "./mount-table.js";

export const DEFAULT_DATA_CLAIM_NAME = "paperclip-data";

export interface LocalPodRunnerOptions {
  /** Directory under which each pod gets its sandbox (see pod-sandbox.ts). */
  readonly sandboxRoot: string;
  /** Absolute local path of the data volume (the PVC). */
  readonly dataDirectory: string;
  /** The PVC claim name that means "the data volume". Default "paperclip-data". */
  readonly dataClaimName?: string;
  /** Directories put first on every container's PATH (e.g. the Claude stand-in's bin). */
  readonly pathPrepend?: readonly string[];
  /** PATH the containers start from. Default: this process's PATH. */
  readonly basePath?: string;
  /** SIGTERM → SIGKILL grace; default the pod's terminationGracePeriodSeconds (30 s). */
  readonly killGraceMs?: number;
  /** How often a pod waiting for a missing Secret retries. Default 1000 ms. */
  readonly retryMs?: number;
  /** spec.nodeName / fieldRef value. Default "local". */
  readonly nodeName?: string;
  /**
   * Further host directories every container sees read-only (programs it runs). node's prefix,
   * the pathPrepend directories and the Claude stand-in's directory are always there.
   */
  readonly programDirectories?: readonly string[];
  /**
   * Runs containers as plain processes without the bubblewrap sandbox: they see the whole
   * machine as this user. Only for a machine no one else uses and that has no bubblewrap.
   */
  readonly unsandboxed?: boolean;
  /**
   * The pods die with the process that started them (bubblewrap's --die-with-parent): for a
   * kubelet inside a test process, whose death must not leave pods behind. The local runtime's
   * pods outlive their server instead, as a cluster's do.
   */
  readonly dieWithParent?: boolean;
}

export const dataVolumeRule = (options: LocalPodRunnerOptions): DataVolumeRule => ({
  dataDirectory: options.dataDirectory,
  dataClaimName: options.dataClaimName ?? DEFAULT_DATA_CLAIM_NAME,
});

/** Where each container's mounts are on this machine, per container name. */
export function mountMappingsOf(
  pod: Pod,
  rule: DataVolumeRule,
  volumesDirectory: string,
): Record<string, readonly MountMapping[]> {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  return Object.fromEntries(
    containers.map((c) => [
      c.name,
      MountTable.forContainer(c.volumeMounts ?? [], pod.spec, rule, volumesDirectory).mappings,
    ]),
  );
}
