/**
 * What one pod's sandbox holds, decided from its spec: which host directories each container sees
 * (sandbox-command.ts builds the bubblewrap line from it), and the kubelet's volume preparation
 * before any container runs — missing data-volume subPaths created, each resolved inside the data
 * directory (a symlinked subPath is refused, as the kubelet refuses one), the pod's own
 * directories given to its uid and the fsGroup applied (fs-group-ownership.ts).
 */
import { chown, lstat, mkdir, realpath } from "node:fs/promises";
import type { Container, Pod } from "../../ports/kubernetes-objects.js";
import { applyFsGroup, type OwnedVolume } from "./fs-group-ownership.js";
import { MountTable, sandboxVolumePath, type DataVolumeRule } from "./mount-table.js";
import type { PodSandbox } from "./pod-sandbox.js";
import type { PodIdentity, SandboxBind } from "./sandbox-command.js";
import { nodeInstallPrefix } from "./sandbox-host.js";

/**
 * Host directories every container sees read-only at the same path: node's install prefix, the
 * runtime's `pathPrepend` directories (the Claude stand-in's or the real CLI's) and any further
 * program directories the embedder names.
 */
export function programDirectories(pathPrepend: readonly string[], extra: readonly string[]): string[] {
  return [nodeInstallPrefix(), ...pathPrepend, ...extra].filter((path, index, all) => all.indexOf(path) === index);
}

export interface ContainerBindInputs {
  readonly pod: Pod;
  readonly container: Container;
  readonly mounts: MountTable;
  readonly sandbox: PodSandbox;
  readonly programs: readonly string[];
  /** Each mount's local path resolved (no symlink), from `preparePodVolumes`. */
  readonly resolved: ReadonlyMap<string, string>;
}

export function containerBinds(inputs: ContainerBindInputs): SandboxBind[] {
  const volumes = new Map((inputs.pod.spec.volumes ?? []).map((volume) => [volume.name, volume]));
  const mounts = (inputs.container.volumeMounts ?? []).map((mount, index): SandboxBind => {
    const mapping = inputs.mounts.mappings[index];
    const local = mapping?.localPath ?? "";
    return {
      source: inputs.resolved.get(local) ?? local,
      target: mapping?.mountPath ?? mount.mountPath,
      // Secret volumes are always read-only in Kubernetes, whatever the mount says.
      readOnly: mount.readOnly === true || volumes.get(mount.name)?.secret !== undefined,
    };
  });
  return [
    ...inputs.programs.map((path) => ({ source: path, target: path, readOnly: true, optional: true })),
    ...[inputs.sandbox.homeDirectory, inputs.sandbox.workDirectory].map((path) => ({
      source: path,
      target: path,
      readOnly: false,
    })),
    ...mounts,
  ];
}

export interface VolumePreparation {
  readonly pod: Pod;
  readonly rule: DataVolumeRule;
  readonly sandbox: PodSandbox;
  /** The identity of the pod's first container when the server is root; undefined otherwise. */
  readonly identity: PodIdentity | undefined;
}

export type PreparedVolumes =
  | { readonly ok: true; readonly resolved: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly message: string };

/** Prepares the pod's volumes before its first container; a problem is the kubelet's FailedMount. */
export async function preparePodVolumes(preparation: VolumePreparation): Promise<PreparedVolumes> {
  const { pod, rule, sandbox, identity } = preparation;
  let dataRoot: string | undefined;
  const resolved = new Map<string, string>();
  const owned: OwnedVolume[] = [];
  for (const container of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const table = MountTable.forContainer(container.volumeMounts ?? [], pod.spec, rule, sandbox.volumesDirectory);
    for (const [index, mapping] of table.mappings.entries()) {
      const mount = container.volumeMounts?.[index];
      const volume = pod.spec.volumes?.find((v) => v.name === mapping.volumeName);
      if (!mount || !volume?.persistentVolumeClaim) continue;
      dataRoot ??= await realpath(rule.dataDirectory);
      // A missing subPath becomes a directory, as the kubelet makes it; an existing file stays a file.
      if (!(await exists(mapping.localPath))) await mkdir(mapping.localPath, { recursive: true, mode: 0o750 });
      const real = await realpath(mapping.localPath);
      if (real !== dataRoot && !real.startsWith(`${dataRoot}/`)) {
        return {
          ok: false,
          message: `failed to prepare subPath for volumeMount "${mount.name}" of container "${container.name}": subPath "${mount.subPath ?? ""}" resolves outside the volume`,
        };
      }
      resolved.set(mapping.localPath, real);
      owned.push({ path: real, readOnly: mount.readOnly === true });
    }
  }
  if (identity === undefined) return { ok: true, resolved };
  for (const path of [sandbox.homeDirectory, sandbox.workDirectory]) await chown(path, identity.uid, identity.gid);
  const fsGroup = pod.spec.securityContext?.fsGroup;
  if (fsGroup === undefined) return { ok: true, resolved };
  const secretVolumes = (pod.spec.volumes ?? [])
    .filter((volume) => volume.secret !== undefined)
    .map((volume) => ({ path: sandboxVolumePath(sandbox.volumesDirectory, volume.name), readOnly: true }));
  const problem = await applyFsGroup(outermost([...owned, ...secretVolumes]), fsGroup, identity.uid);
  return problem === undefined ? { ok: true, resolved } : { ok: false, message: problem };
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/**
 * One entry per directory tree: a directory inside another listed one is walked with it (a
 * writable listing wins over a read-only one of the same tree).
 */
function outermost(volumes: readonly OwnedVolume[]): OwnedVolume[] {
  const covers = (outer: OwnedVolume, inner: OwnedVolume) =>
    (inner.path === outer.path || inner.path.startsWith(`${outer.path}/`)) && (!outer.readOnly || inner.readOnly);
  return volumes.filter(
    (volume, index) =>
      !volumes.some(
        (other, otherIndex) =>
          otherIndex !== index && covers(other, volume) && !(covers(volume, other) && otherIndex > index),
      ),
  );
}
