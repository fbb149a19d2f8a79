/**
 * A pod's private directory on this machine. Its volumes are removed as soon as the pod ends (no
 * container can reach them after that, so this is invisible to the pod and keeps Secret values off
 * the disk); the rest when the pod is deleted:
 *   <root>/<namespace>.<pod>/volumes/<volume>/   emptyDir, secret and optional-configMap volumes
 *   <root>/<namespace>.<pod>/logs/<container>.log  the container's stdout+stderr ("kubectl logs")
 *   <root>/<namespace>.<pod>/home/                 HOME, unless the container sets it
 *   <root>/<namespace>.<pod>/workdir/              cwd when the container sets no workingDir
 *   <root>/<namespace>.<pod>/status/<container>.json  the container's exit status, by bubblewrap
 * The data volume is not here: it is the runtime's data directory (see mount-table.ts).
 */
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import type { Pod, Volume } from "../../ports/kubernetes-objects.js";
import { sandboxVolumePath } from "./mount-table.js";
import { secretValues, type SecretLookup } from "./secret-data.js";

const DEFAULT_SECRET_MODE = 0o644;

export class PodSandbox {
  readonly volumesDirectory: string;
  readonly logsDirectory: string;
  readonly homeDirectory: string;
  readonly workDirectory: string;
  readonly statusDirectory: string;

  private constructor(readonly directory: string) {
    this.volumesDirectory = `${directory}/volumes`;
    this.logsDirectory = `${directory}/logs`;
    this.homeDirectory = `${directory}/home`;
    this.workDirectory = `${directory}/workdir`;
    this.statusDirectory = `${directory}/status`;
  }

  /** The sandbox a pod already has (one recovered from a server that died). */
  static at(directory: string): PodSandbox {
    return new PodSandbox(directory);
  }

  static pathFor(root: string, pod: Pod): string {
    return `${root}/${pod.metadata.namespace ?? "default"}.${pod.metadata.name ?? "pod"}`;
  }

  static async create(root: string, pod: Pod): Promise<PodSandbox> {
    const sandbox = new PodSandbox(PodSandbox.pathFor(root, pod));
    for (const directory of [
      sandbox.volumesDirectory,
      sandbox.logsDirectory,
      sandbox.homeDirectory,
      sandbox.workDirectory,
      sandbox.statusDirectory,
    ]) {
      await mkdir(directory, { recursive: true, mode: 0o755 });
    }
    return sandbox;
  }

  logPath(containerName: string): string {
    return `${this.logsDirectory}/${containerName}.log`;
  }

  exitStatusPath(containerName: string): string {
    return `${this.statusDirectory}/${containerName}.json`;
  }

  /**
   * Creates the sandbox volumes. Returns why a volume cannot be set up yet (a Secret that does
   * not exist), as the kubelet's FailedMount would, or undefined when all are ready.
   */
  async prepareVolumes(
    volumes: readonly Volume[],
    secretLookup: SecretLookup,
    dataClaimName: string,
  ): Promise<string | undefined> {
    for (const volume of volumes) {
      if (volume.persistentVolumeClaim?.claimName === dataClaimName) continue;
      const directory = sandboxVolumePath(this.volumesDirectory, volume.name);
      await mkdir(directory, { recursive: true, mode: 0o755 });
      // An emptyDir is world-writable in Kubernetes, so any uid the containers run as can use it.
      if (volume.emptyDir) await chmod(directory, 0o777);
      if (!volume.secret) continue;
      const problem = await this.writeSecretVolume(volume, volume.secret, directory, secretLookup);
      if (problem) return `MountVolume.SetUp failed for volume "${volume.name}": ${problem}`;
    }
    return undefined;
  }

  /**
   * Frees the volumes (secret files, emptyDirs) once no container can use them any more; logs
   * stay until the pod is deleted, as `kubectl logs` of a finished pod does.
   */
  async removeVolumes(): Promise<void> {
    await rm(this.volumesDirectory, { recursive: true, force: true });
  }

  async remove(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }

  private async writeSecretVolume(
    volume: Volume,
    source: NonNullable<Volume["secret"]>,
    directory: string,
    secretLookup: SecretLookup,
  ): Promise<string | undefined> {
    const secret = secretLookup(source.secretName);
    if (!secret) return source.optional === true ? undefined : `secret "${source.secretName}" not found`;
    const values = secretValues(secret);
    const items = source.items ?? Object.keys(values).map((key) => ({ key, path: key, mode: undefined }));
    for (const item of items) {
      const value = values[item.key];
      if (value === undefined) {
        if (source.optional === true) continue;
        return `key "${item.key}" not found in secret "${source.secretName}"`;
      }
      if (item.path.startsWith("/") || item.path.split("/").includes("..")) {
        return `item path "${item.path}" of volume "${volume.name}" must be relative without ".."`;
      }
      const file = `${directory}/${item.path}`;
      await mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
      await writeFile(file, value, { mode: 0o600 });
      await chmod(file, item.mode ?? source.defaultMode ?? DEFAULT_SECRET_MODE);
    }
    return undefined;
  }
}
