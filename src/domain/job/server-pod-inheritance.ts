/**
 * What a run pod inherits from the Paperclip server's own pod — an allowlist, because every server
 * secret handed to a pod is handed to an agent with a shell: its image, pull secrets, DNS and
 * scheduling, the shared data claim (mounted only by subPath, see data-mounts.ts), the env Claude
 * needs to reach its model (env-allowlist.ts) plus the names the operator lists in `inheritEnv`,
 * and only the `envFrom` sources and Secret volumes the operator names (`inheritEnvFrom`,
 * `inheritSecretVolumes`). What is held back is reported, for testEnvironment.
 */
import type {
  Container,
  EnvFromSource,
  EnvVar,
  Pod,
  PodDnsConfig,
  Toleration,
  Volume,
  VolumeMount,
} from "../../ports/kubernetes-objects.js";
import type { AdapterConfig } from "../config/config-fields.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import { isInheritedServerEnv } from "./env-allowlist.js";

/** The server container: the one named "paperclip", else the first. */
export const SERVER_CONTAINER_NAME = "paperclip";

export interface InheritedVolume {
  readonly volume: Volume;
  readonly mount: VolumeMount;
}

export interface ServerPodInheritance {
  readonly image: string | null;
  readonly imagePullSecrets: ReadonlyArray<{ name: string }>;
  readonly dnsPolicy: string | null;
  readonly dnsConfig: PodDnsConfig | null;
  readonly nodeSelector: Readonly<Record<string, string>> | null;
  readonly tolerations: readonly Toleration[] | null;
  /** The shared data volume, mounted at the data mount path in both pods. */
  readonly dataVolume: InheritedVolume;
  /** Secret volumes mounted in the server container, mounted read-only at the same paths. */
  readonly secretVolumes: readonly InheritedVolume[];
  /** Literal env values of the server container, in order (empty values dropped). */
  readonly literalEnv: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** `valueFrom` entries of the server container, as written. */
  readonly referenceEnv: readonly EnvVar[];
  readonly envFrom: readonly EnvFromSource[];
  /** What the server pod has that a run does not get (names only, never values). */
  readonly withheld: {
    readonly env: readonly string[];
    readonly envFrom: readonly string[];
    readonly secretVolumes: readonly string[];
  };
}

export type InheritanceSettings = Pick<
  AdapterConfig,
  "dataMountPath" | "inheritEnv" | "inheritEnvFrom" | "inheritSecretVolumes"
>;

/** The name an envFrom source is listed by: its ConfigMap's or Secret's name. */
export function envFromSourceName(source: EnvFromSource): string {
  return source.secretRef?.name ?? source.configMapRef?.name ?? "";
}

export function serverContainerOf(pod: Pod): Container | undefined {
  return pod.spec.containers.find((c) => c.name === SERVER_CONTAINER_NAME) ?? pod.spec.containers[0];
}

const normalizePath = (path: string): string => (path.length > 1 ? path.replace(/\/+$/, "") : path);

export function inheritFromServerPod(pod: Pod, settings: InheritanceSettings): Result<ServerPodInheritance> {
  const { dataMountPath } = settings;
  const podName = pod.metadata.name ?? "(unnamed)";
  const container = serverContainerOf(pod);
  if (!container) {
    return fail(
      runFailure("invalid_run_input", {
        field: "server pod",
        reason: `the Paperclip server pod ${podName} has no containers to inherit the image, volumes and env from`,
      }),
    );
  }
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  const mounts = container.volumeMounts ?? [];

  const dataMount = mounts.find((m) => normalizePath(m.mountPath) === normalizePath(dataMountPath));
  const dataVolume = dataMount ? volumes.get(dataMount.name) : undefined;
  if (!dataMount || !dataVolume?.persistentVolumeClaim) {
    return fail(
      runFailure("invalid_config", {
        field: "dataMountPath",
        reason:
          `the Paperclip server pod ${podName} (container ${container.name}) has no PersistentVolumeClaim mounted at ` +
          `${dataMountPath}; mount the shared ReadWriteMany volume there, or set dataMountPath to where it is mounted`,
      }),
    );
  }

  const secretVolumes: InheritedVolume[] = [];
  const withheldVolumes: string[] = [];
  for (const mount of mounts) {
    const volume = volumes.get(mount.name);
    if (!volume?.secret || mount === dataMount) continue;
    const listed = settings.inheritSecretVolumes.some(
      (name) => name === volume.name || name === volume.secret?.secretName,
    );
    if (listed) secretVolumes.push({ volume, mount: { ...mount, readOnly: true } });
    else withheldVolumes.push(volume.name);
  }

  const allEnv = container.env ?? [];
  const env = allEnv.filter((e) => isInheritedServerEnv(e.name, settings.inheritEnv));
  const envFrom = (container.envFrom ?? []).filter((source) =>
    settings.inheritEnvFrom.includes(envFromSourceName(source)),
  );
  return ok({
    image: container.image || null,
    imagePullSecrets: pod.spec.imagePullSecrets ?? [],
    dnsPolicy: pod.spec.dnsPolicy ?? null,
    dnsConfig: pod.spec.dnsConfig ?? null,
    nodeSelector: pod.spec.nodeSelector ?? null,
    tolerations: pod.spec.tolerations ?? null,
    dataVolume: { volume: dataVolume, mount: { ...dataMount, readOnly: false } },
    secretVolumes,
    literalEnv: env
      .filter((e) => e.valueFrom === undefined && e.value !== undefined && e.value !== "")
      .map((e) => ({ name: e.name, value: e.value ?? "" })),
    referenceEnv: env.filter((e) => e.valueFrom !== undefined),
    envFrom,
    withheld: {
      env: allEnv.filter((e) => !env.includes(e)).map((e) => e.name),
      envFrom: (container.envFrom ?? []).filter((source) => !envFrom.includes(source)).map(envFromSourceName),
      secretVolumes: withheldVolumes,
    },
  });
}
