/**
 * The run pod: an init container that checks the run's directory is writable, then the claude
 * container running the run script, both as the configured non-root user, each seeing only its
 * planned `subPath` mounts of the data claim (see data-mounts.ts), with what the server pod passes
 * on (server-pod-inheritance.ts) and the config's resources.
 */
import type { Container, PodSpec, Volume, VolumeMount } from "../../ports/kubernetes-objects.js";
import type { DataMount } from "./data-mounts.js";
import { buildContainerEnv } from "./job-env.js";
import type { JobRunSpec } from "./job-manifest-factory.js";
import { escapeKubernetesExpansion } from "./kubernetes-expansion.js";
import { containerSecurityContext, podSecurityContext } from "./pod-security.js";
import { buildInitScript, buildRunScript } from "./run-script.js";
import type { ServerPodInheritance } from "./server-pod-inheritance.js";

export const MAIN_CONTAINER_NAME = "claude";
export const INIT_CONTAINER_NAME = "prepare-run-dir";

/** The init container only runs mkdir: small fixed resources keep it admissible under LimitRanges. */
const INIT_RESOURCES = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } };

export interface ContainerInputs {
  readonly image: string;
  readonly command: readonly string[];
  /** Null: the caller's agent never calls back, and the pod gets no PAPERCLIP_API_URL. */
  readonly apiUrl: string | null;
  readonly tokenSecret: { readonly name: string; readonly key: string } | null;
  readonly dataMounts: readonly DataMount[];
  readonly home: string;
}

export function buildPodSpec(spec: JobRunSpec, inherited: ServerPodInheritance, inputs: ContainerInputs): PodSpec {
  const { config } = spec;
  // The server may itself mount a sub-directory of the claim: the pod's subPaths continue from it.
  const serverSubPath = (inherited.dataVolume.mount.subPath ?? "").replace(/^\/+|\/+$/g, "");
  const claimMount = (m: DataMount): VolumeMount => ({
    name: inherited.dataVolume.volume.name,
    mountPath: m.mountPath,
    subPath: serverSubPath ? `${serverSubPath}/${m.subPath}` : m.subPath,
    readOnly: m.readOnly,
  });
  const runDirectoryMounts = inputs.dataMounts.filter((m) => m.purpose === "run").map(claimMount);
  const volumes: Volume[] = [inherited.dataVolume.volume, ...inherited.secretVolumes.map((s) => s.volume)].map((v) =>
    structuredClone(v),
  );
  const securityContext = containerSecurityContext(config);

  const init: Container = {
    name: INIT_CONTAINER_NAME,
    image: inputs.image,
    imagePullPolicy: config.imagePullPolicy,
    command: ["sh", "-c", escapeKubernetesExpansion(buildInitScript(spec.paths.directory))],
    volumeMounts: runDirectoryMounts,
    resources: INIT_RESOURCES,
    securityContext,
    terminationMessagePolicy: "FallbackToLogsOnError",
  };
  const main: Container = {
    name: MAIN_CONTAINER_NAME,
    image: inputs.image,
    imagePullPolicy: config.imagePullPolicy,
    command: ["sh", "-c", escapeKubernetesExpansion(buildRunScript(inputs.command, spec.paths))],
    workingDir: spec.workingDirectory,
    env: buildContainerEnv({
      serverLiteral: inherited.literalEnv,
      serverReferences: inherited.referenceEnv,
      caller: spec.env,
      config: config.env,
      home: inputs.home,
      apiUrl: inputs.apiUrl,
      tokenSecret: inputs.tokenSecret,
      hasServerEnvFrom: inherited.envFrom.length > 0,
    }),
    ...(inherited.envFrom.length > 0 ? { envFrom: structuredClone([...inherited.envFrom]) } : {}),
    volumeMounts: [...inputs.dataMounts.map(claimMount), ...inherited.secretVolumes.map((s) => s.mount)],
    resources: structuredClone(config.resources),
    securityContext,
    terminationMessagePolicy: "FallbackToLogsOnError",
  };

  const nodeSelector = config.nodeSelector ?? inherited.nodeSelector;
  const tolerations = config.tolerations ?? inherited.tolerations;
  return {
    restartPolicy: "Never",
    // No env of every Service in the namespace (addresses of what the agent should not look for).
    enableServiceLinks: false,
    ...(config.serviceAccountName
      ? { serviceAccountName: config.serviceAccountName }
      : { automountServiceAccountToken: false }),
    ...(inherited.imagePullSecrets.length > 0
      ? { imagePullSecrets: structuredClone([...inherited.imagePullSecrets]) }
      : {}),
    ...(nodeSelector && Object.keys(nodeSelector).length > 0 ? { nodeSelector: { ...nodeSelector } } : {}),
    ...(tolerations && tolerations.length > 0 ? { tolerations: structuredClone([...tolerations]) } : {}),
    ...(inherited.dnsPolicy ? { dnsPolicy: inherited.dnsPolicy } : {}),
    ...(inherited.dnsConfig ? { dnsConfig: structuredClone(inherited.dnsConfig) } : {}),
    securityContext: podSecurityContext(config),
    volumes,
    initContainers: [init],
    containers: [main],
  };
}
