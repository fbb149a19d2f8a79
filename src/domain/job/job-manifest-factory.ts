/**
 * Builds the Kubernetes objects for one agent run: a suspended Job (the orchestrator creates it,
 * then the Secret owned by it, then resumes it) and the per-run Secret holding only the run token.
 * Pure: every input arrives in the spec, every refusal is a RunFailure value, nothing is created.
 */
import type { Job, Pod, Secret } from "../../ports/kubernetes-objects.js";
import { fail, ok, runFailure, type Result, type RunFailure } from "../errors.js";
import type { RunFilePaths } from "../run-log-paths.js";
import type { AgentRunRequest } from "../run/agent-run-request.js";
import { AGENT_API_URL_ENV } from "./agent-api-env.js";
import { resolveOptionalPodApiUrl, resolvePodApiUrl } from "./api-url.js";
import { buildClaudeArgv } from "./claude-args.js";
import { RUN_TOKEN_SECRET_KEY } from "./job-env.js";
import { ANNOTATION_KEYS, buildRunAnnotations, buildRunLabels } from "./job-labels.js";
import { agentRunSlotNameFor, jobNameFor, secretNameFor } from "./job-name.js";
import { refuseUnsafeInput } from "./run-input-checks.js";
import { buildPodSpec, MAIN_CONTAINER_NAME } from "./run-pod-spec.js";
import { inheritFromServerPod, serverContainerOf } from "./server-pod-inheritance.js";
import { planDataMounts } from "./data-mounts.js";
import { agentAreas } from "../volume-layout.js";

export { INIT_CONTAINER_NAME, MAIN_CONTAINER_NAME } from "./run-pod-spec.js";

/** What the manifests are built from: the run's request, placed in a namespace beside the server pod. */
export interface JobRunSpec extends Pick<
  AgentRunRequest,
  | "runId"
  | "agentId"
  | "tenantId"
  | "taskId"
  | "config"
  | "workingDirectory"
  | "env"
  | "apiToken"
  | "requiresApiUrl"
  | "localApiUrl"
  | "allowLoopbackApiUrl"
> {
  /** The resumed session id, for the concurrency-guard label. */
  readonly sessionKey: string | null;
  readonly namespace: string;
  readonly serverPod: Pod;
  readonly paths: RunFilePaths;
  readonly claude: ClaudeRunOptions;
}

/** How claude is started in the pod; no fresh session id leaves claude to choose one. */
export interface ClaudeRunOptions extends Pick<
  AgentRunRequest,
  "resumeSessionId" | "appendSystemPromptFile" | "addDirs"
> {
  readonly freshSessionId: string | null;
}

export interface RunManifests {
  readonly jobName: string;
  readonly job: Job;
  readonly secret: Secret;
  /** The agent's run slot (no data), owned by the Job: one running Job per agent, enforced by the API server. */
  readonly slot: Secret;
  /** claude's argv as the pod runs it, for onMeta; holds no secret by construction. */
  readonly command: readonly string[];
  /** What the server creates on the volume before the Job: the sources of the pod's read-write mounts. */
  readonly directories: readonly string[];
}

/** A run token shorter than this could match unrelated text; the literal scan skips it. */
const MIN_SCANNED_TOKEN_LENGTH = 8;

export class JobManifestFactory {
  build(spec: JobRunSpec): Result<RunManifests> {
    const refused = refuseUnsafeInput(spec);
    if (refused) return fail(refused);

    const areas = agentAreas(spec.config.dataMountPath, spec);
    const mounts = planDataMounts({
      dataMountPath: spec.config.dataMountPath,
      paths: spec.paths,
      workingDirectory: spec.workingDirectory,
      home: areas.home,
      companyBundles: areas.companyBundles,
      appendSystemPromptFile: spec.claude.appendSystemPromptFile,
      addDirs: spec.claude.addDirs,
    });
    if (!mounts.ok) return mounts;
    const inherited = inheritFromServerPod(spec.serverPod, spec.config);
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
    const apiUrlSources = {
      configured: spec.config.paperclipApiUrl,
      serverPodValue: serverApiUrl(spec.serverPod),
      localValue: spec.localApiUrl,
      allowLoopback: spec.allowLoopbackApiUrl,
    };
    const apiUrl = spec.requiresApiUrl ? resolvePodApiUrl(apiUrlSources) : resolveOptionalPodApiUrl(apiUrlSources);
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
      claudeSessionId: spec.claude.resumeSessionId ?? spec.claude.freshSessionId,
      stdoutPath: spec.paths.stdout,
      stderrPath: spec.paths.stderr,
      trailerPath: spec.paths.trailer,
      promptPath: spec.paths.prompt,
    });
    if (spec.config.retainJobs) annotations[ANNOTATION_KEYS.retained] = "true";
    const podSpec = buildPodSpec(spec, inherited.value, {
      image,
      command,
      apiUrl: apiUrl.value,
      tokenSecret: spec.apiToken === null ? null : { name: secretName, key: RUN_TOKEN_SECRET_KEY },
      dataMounts: mounts.value.mounts,
      home: areas.home,
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
      stringData: spec.apiToken === null ? {} : { [RUN_TOKEN_SECRET_KEY]: spec.apiToken },
    };

    const leaked = findTokenLiteral(job, spec.apiToken);
    if (leaked) return fail(leaked);
    const slot: Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: agentRunSlotNameFor(spec),
        namespace: spec.namespace,
        labels: { ...labels },
        annotations: { [ANNOTATION_KEYS.runId]: spec.runId },
      },
      type: "Opaque",
      stringData: {},
    };
    return ok({ jobName, job, secret, slot, command, directories: mounts.value.directories });
  }
}

function serverApiUrl(pod: Pod): string | null {
  return (
    serverContainerOf(pod)?.env?.find((e) => e.name === AGENT_API_URL_ENV && e.valueFrom === undefined)?.value ?? null
  );
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
