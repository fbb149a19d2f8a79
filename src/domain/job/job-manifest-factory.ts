/**
 * Builds the Kubernetes objects for one agent run: a suspended Job (the orchestrator creates it,
 * then the Secret owned by it, then resumes it) and the per-run Secret holding only the run token.
 * Pure: every input arrives in the spec, every refusal is a RunFailure value, nothing is created.
 */
import type { Container, Job, Pod, PodSpec, Secret, Volume, VolumeMount } from "../../ports/kubernetes-objects.js";
import type { AdapterConfig } from "../config/config-fields.js";
import { fail, ok, runFailure, type Result, type RunFailure } from "../errors.js";
import { assertSafePathComponent, type RunFilePaths } from "../run-log-paths.js";
import { API_URL_ENV, resolvePodApiUrl } from "./api-url.js";
import { buildClaudeArgv } from "./claude-args.js";
import { buildContainerEnv, RUN_TOKEN_SECRET_KEY } from "./job-env.js";
import { buildRunAnnotations, buildRunLabels } from "./job-labels.js";
import { jobNameFor, secretNameFor } from "./job-name.js";
import { escapeKubernetesExpansion } from "./kubernetes-expansion.js";
import { containerSecurityContext, podSecurityContext } from "./pod-security.js";
import { buildInitScript, buildRunScript } from "./run-script.js";
import { inheritFromServerPod, serverContainerOf, type ServerPodInheritance } from "./server-pod-inheritance.js";

export const MAIN_CONTAINER_NAME = "claude";
export const INIT_CONTAINER_NAME = "prepare-run-dir";

/** The init container only runs mkdir: small fixed resources keep it admissible under LimitRanges. */
const INIT_RESOURCES = { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } };

export interface JobRunSpec {
  readonly runId: string;
  readonly agentId: string;
  readonly companyId: string;
  readonly taskId: string | null;
  /** The resumed session id, for the concurrency-guard label. */
  readonly sessionKey: string | null;
  readonly namespace: string;
  readonly config: AdapterConfig;
  readonly serverPod: Pod;
  readonly paths: RunFilePaths;
  readonly workingDirectory: string;
  readonly claude: {
    readonly resumeSessionId: string | null;
    readonly appendSystemPromptFile: string | null;
    readonly addDirs: readonly string[];
  };
  /** Built at the Paperclip edge with adapter-utils; the server pod's env and config.env are layered on top. */
  readonly env: {
    readonly paperclip: Readonly<Record<string, string>>;
    readonly context: Readonly<Record<string, string>>;
  };
  readonly authToken: string | null;
  /** The local runtime reaches Paperclip on loopback; a cluster pod never can. */
  readonly allowLoopbackApiUrl?: boolean;
}

export interface RunManifests {
  readonly jobName: string;
  readonly job: Job;
  readonly secret: Secret;
  /** claude's argv as the pod runs it, for onMeta; holds no secret by construction. */
  readonly command: readonly string[];
}

/**
 * Env names the adapter sets itself that an operator might set by mistake; config.env is told what
 * to do instead. PAPERCLIP_API_KEY is not here: the edge refuses it, and any layer's value is simply
 * replaced by the Secret reference.
 */
const ADAPTER_SET_ENV: Readonly<Record<string, string>> = {
  HOME: "is always the data mount path in the run pod; set dataMountPath instead",
  [API_URL_ENV]: "is set by the adapter for the run pod; set paperclipApiUrl instead",
};

/** A run token shorter than this could match unrelated text; the literal scan skips it. */
const MIN_SCANNED_TOKEN_LENGTH = 8;

export class JobManifestFactory {
  build(spec: JobRunSpec): Result<RunManifests> {
    const refused = refuseUnsafeInput(spec);
    if (refused) return fail(refused);

    const inherited = inheritFromServerPod(spec.serverPod, spec.config.dataMountPath);
    if (!inherited.ok) return inherited;
    const image = spec.config.image || inherited.value.image;
    if (!image) {
      return fail(
        runFailure("invalid_config", {
          field: "image",
          reason:
            "it is empty and the Paperclip server pod's container has no image to inherit; set an image with claude installed",
        }),
      );
    }
    const apiUrl = resolvePodApiUrl({
      configured: spec.config.paperclipApiUrl,
      serverPodValue: serverApiUrl(spec.serverPod),
      paperclipEnvValue: spec.env.paperclip[API_URL_ENV] ?? null,
      allowLoopback: spec.allowLoopbackApiUrl === true,
    });
    if (!apiUrl.ok) return apiUrl;

    const jobName = jobNameFor(spec);
    const secretName = secretNameFor(jobName);
    const command = buildClaudeArgv(spec.config, spec.claude);
    const labels = buildRunLabels({ ...spec, extra: spec.config.labels });
    const annotations = buildRunAnnotations({
      runId: spec.runId,
      agentId: spec.agentId,
      taskId: spec.taskId,
      sessionKey: spec.sessionKey,
      stdoutPath: spec.paths.stdout,
      stderrPath: spec.paths.stderr,
      trailerPath: spec.paths.trailer,
      promptPath: spec.paths.prompt,
    });
    const podSpec = buildPodSpec(spec, inherited.value, {
      image,
      command,
      apiUrl: apiUrl.value,
      tokenSecret: spec.authToken === null ? null : { name: secretName, key: RUN_TOKEN_SECRET_KEY },
    });

    const job: Job = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: jobName, namespace: spec.namespace, labels, annotations },
      spec: {
        suspend: true,
        backoffLimit: 0,
        ...(spec.config.timeoutSec > 0 ? { activeDeadlineSeconds: spec.config.timeoutSec } : {}),
        ttlSecondsAfterFinished: spec.config.ttlSecondsAfterFinished,
        template: {
          metadata: {
            labels: { ...labels },
            annotations: { ...annotations, "kubectl.kubernetes.io/default-container": MAIN_CONTAINER_NAME },
          },
          spec: podSpec,
        },
      },
    };
    const secret: Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: secretName, namespace: spec.namespace, labels: { ...labels } },
      type: "Opaque",
      stringData: spec.authToken === null ? {} : { [RUN_TOKEN_SECRET_KEY]: spec.authToken },
    };

    const leaked = findTokenLiteral(job, spec.authToken);
    if (leaked) return fail(leaked);
    return ok({ jobName, job, secret, command });
  }
}

function refuseUnsafeInput(spec: JobRunSpec): RunFailure | null {
  for (const [field, value] of [
    ["companyId", spec.companyId],
    ["agentId", spec.agentId],
    ["runId", spec.runId],
  ] as const) {
    try {
      assertSafePathComponent(field, value);
    } catch (error) {
      return runFailure("invalid_run_input", { field, reason: (error as Error).message });
    }
  }
  const owned = Object.keys(spec.config.env).find((name) => name in ADAPTER_SET_ENV);
  if (owned) {
    return runFailure("invalid_config", { field: "env", reason: `${owned} ${ADAPTER_SET_ENV[owned]}` });
  }
  if (!spec.workingDirectory.startsWith("/")) {
    return runFailure("invalid_run_input", {
      field: "working directory",
      reason: `"${spec.workingDirectory}" is not an absolute path in the pod`,
    });
  }
  // A NUL byte cannot travel in an argv element or env value: it would silently cut the value short.
  const texts: Array<[string, string]> = [
    ["working directory", spec.workingDirectory],
    ["claude resume session id", spec.claude.resumeSessionId ?? ""],
    ["instructions file", spec.claude.appendSystemPromptFile ?? ""],
    ...spec.claude.addDirs.map((dir): [string, string] => ["claude add-dir", dir]),
    ...spec.config.extraArgs.map((arg): [string, string] => ["extraArgs", arg]),
    ...Object.values(spec.paths).map((path): [string, string] => ["run file path", path]),
    ...[spec.env.paperclip, spec.env.context, spec.config.env].flatMap((layer) =>
      Object.entries(layer).map(([name, value]): [string, string] => [`env ${name}`, name + value]),
    ),
  ];
  const withNul = texts.find(([, text]) => text.includes("\u0000"));
  if (withNul) {
    return runFailure("invalid_run_input", { field: withNul[0], reason: "it contains a NUL byte" });
  }
  return null;
}

/** True when `path` is `root` or below it. */
function isWithin(path: string, root: string): boolean {
  const base = root.length > 1 ? root.replace(/\/+$/, "") : root;
  return path === base || path.startsWith(base === "/" ? "/" : `${base}/`);
}

function serverApiUrl(pod: Pod): string | null {
  return serverContainerOf(pod)?.env?.find((e) => e.name === API_URL_ENV && e.valueFrom === undefined)?.value ?? null;
}

interface ContainerInputs {
  readonly image: string;
  readonly command: readonly string[];
  readonly apiUrl: string;
  readonly tokenSecret: { readonly name: string; readonly key: string } | null;
}

function buildPodSpec(spec: JobRunSpec, inherited: ServerPodInheritance, inputs: ContainerInputs): PodSpec {
  const { config } = spec;
  const dataMount: VolumeMount = { ...inherited.dataVolume.mount, mountPath: config.dataMountPath };
  const volumes: Volume[] = [inherited.dataVolume.volume, ...inherited.secretVolumes.map((s) => s.volume)].map((v) =>
    structuredClone(v),
  );
  const securityContext = containerSecurityContext(config);

  const init: Container = {
    name: INIT_CONTAINER_NAME,
    image: inputs.image,
    imagePullPolicy: config.imagePullPolicy,
    command: [
      "sh",
      "-c",
      escapeKubernetesExpansion(
        buildInitScript(
          spec.paths.directory,
          isWithin(spec.workingDirectory, config.dataMountPath) ? spec.workingDirectory : null,
        ),
      ),
    ],
    volumeMounts: [dataMount],
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
      paperclip: spec.env.paperclip,
      context: spec.env.context,
      config: config.env,
      home: config.dataMountPath,
      apiUrl: inputs.apiUrl,
      tokenSecret: inputs.tokenSecret,
    }),
    ...(inherited.envFrom.length > 0 ? { envFrom: structuredClone([...inherited.envFrom]) } : {}),
    volumeMounts: [dataMount, ...inherited.secretVolumes.map((s) => s.mount)],
    resources: structuredClone(config.resources),
    securityContext,
    terminationMessagePolicy: "FallbackToLogsOnError",
  };

  const nodeSelector = config.nodeSelector ?? inherited.nodeSelector;
  const tolerations = config.tolerations ?? inherited.tolerations;
  return {
    restartPolicy: "Never",
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

/** The no-secret-literal rule, checked on the finished Job rather than trusted to each layer. */
function findTokenLiteral(job: Job, token: string | null): RunFailure | null {
  if (token === null || token.length < MIN_SCANNED_TOKEN_LENGTH) return null;
  if (!JSON.stringify(job).includes(JSON.stringify(token).slice(1, -1))) return null;
  return runFailure("invalid_run_input", {
    field: "env",
    reason:
      "the run's API token appears as a literal value in the Job (an env layer or argument carries it); " +
      "it may only reach the pod through the per-run Secret, so remove it from the adapter config and context",
  });
}
