/**
 * How a pod's volume mounts become local directories — the one rule the writer (the pod's
 * processes) and the reader (the server-side tailer) must agree on.
 *
 * 1. The data volume (a `persistentVolumeClaim` of the configured claim) is the runtime's
 *    `dataDirectory`, and its mount path MUST BE that directory (with a subPath: the directory
 *    joined with the subPath). Identity mapping: config `dataMountPath` is set to the data
 *    directory in local mode, so the pod script and the tailer use the same absolute paths and
 *    nothing is translated. Any other mount path for it is refused, because the tailer would
 *    then look somewhere the pod never writes.
 * 2. Every other mount (emptyDir, secret, optional configMap) is a directory in the pod's
 *    sandbox. A local process cannot see that directory at the mount path, so the mount path is
 *    TRANSLATED: each occurrence of it as a whole path prefix in the container's command, args,
 *    workingDir and literal env values is replaced by the sandbox directory. "Whole path prefix"
 *    means it is not preceded by a path character and is followed by "/", the end, or a
 *    non-path character ("/tmp/prompt" is rewritten in "'/tmp/prompt/p.md'" but not in
 *    "/var/tmp/prompt" or "/tmp/prompts"). Longer mount paths win, and identity mounts are in the
 *    table too, so a path under the data directory is never rewritten by a shorter mount.
 *    A path the script builds at run time from pieces is NOT translated: such a script fails
 *    with "No such file or directory" naming the mount path — loudly, never on a wrong file.
 *    The mapping is recorded on the pod (annotation) so an operator can see it.
 * 3. Refused (by `mountProblems`, before anything runs): a mount of an undeclared volume, a
 *    relative mount path or "/", a subPath with "..", a second claim, a non-optional configMap
 *    (the local runtime has no ConfigMaps), a volume of an unknown kind.
 */
import type { PodSpec, Volume, VolumeMount } from "../../ports/kubernetes-objects.js";

export interface MountMapping {
  readonly volumeName: string;
  /** Where the container expects the volume. */
  readonly mountPath: string;
  /** The local directory that holds it. */
  readonly localPath: string;
}

export interface DataVolumeRule {
  /** Absolute local path of the data volume. */
  readonly dataDirectory: string;
  /** The only claim the runtime can provide. */
  readonly dataClaimName: string;
}

const PATH_CHARACTER = /[A-Za-z0-9._~\-/]/;
const NAME_CHARACTER = /[A-Za-z0-9._~-]/;

export function normalizeAbsolutePath(path: string): string {
  const trimmed = path.replace(/\/+/g, "/");
  return trimmed.length > 1 ? trimmed.replace(/\/$/, "") : trimmed;
}

/** Where a volume lives in the pod's sandbox when it is not the data volume. */
export function sandboxVolumePath(sandboxVolumesDirectory: string, volumeName: string): string {
  return `${sandboxVolumesDirectory}/${volumeName}`;
}

function joinSubPath(base: string, subPath: string | undefined): string {
  return subPath === undefined || subPath === "" ? base : normalizeAbsolutePath(`${base}/${subPath}`);
}

function isDataVolume(volume: Volume, rule: DataVolumeRule): boolean {
  return volume.persistentVolumeClaim !== undefined && volume.persistentVolumeClaim.claimName === rule.dataClaimName;
}

/** Every reason this pod spec cannot run on the local runtime; empty when it can. */
export function mountProblems(spec: PodSpec, rule: DataVolumeRule): string[] {
  const problems: string[] = [];
  const volumes = new Map((spec.volumes ?? []).map((volume) => [volume.name, volume]));
  for (const volume of volumes.values()) {
    if (volume.persistentVolumeClaim && !isDataVolume(volume, rule)) {
      problems.push(
        `volume "${volume.name}" claims PVC "${volume.persistentVolumeClaim.claimName}", but the local runtime only provides the data claim "${rule.dataClaimName}"`,
      );
    } else if (volume.configMap && volume.configMap.optional !== true) {
      problems.push(
        `volume "${volume.name}" needs ConfigMap "${volume.configMap.name}"; the local runtime has no ConfigMaps`,
      );
    } else if (!volume.persistentVolumeClaim && !volume.emptyDir && !volume.secret && !volume.configMap) {
      problems.push(`volume "${volume.name}" is of a kind the local runtime cannot provide`);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const mount of container.volumeMounts ?? []) {
      const where = `container "${container.name}" mount of "${mount.name}" at "${mount.mountPath}"`;
      const volume = volumes.get(mount.name);
      if (!volume) {
        problems.push(`${where}: no volume named "${mount.name}" in the pod`);
        continue;
      }
      if (!mount.mountPath.startsWith("/") || normalizeAbsolutePath(mount.mountPath) === "/") {
        problems.push(`${where}: the mount path must be an absolute path other than "/"`);
      }
      if (mount.subPath !== undefined && (mount.subPath.startsWith("/") || mount.subPath.split("/").includes(".."))) {
        problems.push(`${where}: subPath "${mount.subPath}" must be relative and must not contain ".."`);
      }
      if (isDataVolume(volume, rule)) {
        const expected = joinSubPath(normalizeAbsolutePath(rule.dataDirectory), mount.subPath);
        if (normalizeAbsolutePath(mount.mountPath) !== expected) {
          problems.push(
            `${where}: the data volume must be mounted at the data directory itself ("${expected}") so the pod and the log tailer see the same paths; set dataMountPath to the data directory in local mode`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * The mount table of one container. Call `mountProblems` first: this assumes a valid spec.
 */
export class MountTable {
  /** Longest mount path first, so the most specific mount wins. */
  private readonly ordered: readonly MountMapping[];

  constructor(readonly mappings: readonly MountMapping[]) {
    this.ordered = [...mappings].sort((a, b) => b.mountPath.length - a.mountPath.length);
  }

  static forContainer(
    mounts: readonly VolumeMount[],
    spec: PodSpec,
    rule: DataVolumeRule,
    sandboxVolumesDirectory: string,
  ): MountTable {
    const volumes = new Map((spec.volumes ?? []).map((volume) => [volume.name, volume]));
    const mappings = mounts.map((mount): MountMapping => {
      const volume = volumes.get(mount.name);
      const base =
        volume && isDataVolume(volume, rule)
          ? normalizeAbsolutePath(rule.dataDirectory)
          : sandboxVolumePath(sandboxVolumesDirectory, mount.name);
      return {
        volumeName: mount.name,
        mountPath: normalizeAbsolutePath(mount.mountPath),
        localPath: joinSubPath(base, mount.subPath),
      };
    });
    return new MountTable(mappings);
  }

  /** The mounts whose local directory differs from their mount path (the ones translated). */
  get translated(): MountMapping[] {
    return this.mappings.filter((m) => m.mountPath !== m.localPath);
  }

  /** Rewrites every whole-prefix occurrence of a translated mount path (see the header). */
  translate(text: string): string {
    if (this.translated.length === 0) return text;
    let output = "";
    let index = 0;
    while (index < text.length) {
      const match = this.matchAt(text, index);
      if (match) {
        output += match.localPath;
        index += match.mountPath.length;
      } else {
        output += text[index];
        index += 1;
      }
    }
    return output;
  }

  /** The local directory behind an absolute container path, or undefined when no mount holds it. */
  localPathOf(containerPath: string): string | undefined {
    const path = normalizeAbsolutePath(containerPath);
    const mapping = this.ordered.find((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
    return mapping ? mapping.localPath + path.slice(mapping.mountPath.length) : undefined;
  }

  private matchAt(text: string, index: number): MountMapping | undefined {
    const before = index === 0 ? "" : (text[index - 1] ?? "");
    if (before !== "" && PATH_CHARACTER.test(before)) return undefined;
    for (const mapping of this.ordered) {
      if (!text.startsWith(mapping.mountPath, index)) continue;
      const after = text[index + mapping.mountPath.length] ?? "";
      if (after === "" || after === "/" || !NAME_CHARACTER.test(after)) {
        // Identity mounts match too (and copy through unchanged), so a shorter translated mount
        // never rewrites a path inside them.
        return mapping;
      }
    }
    return undefined;
  }
}
