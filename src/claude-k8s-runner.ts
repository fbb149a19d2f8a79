/**
 * The embedding facade for orchestrators other than Paperclip: one runner per process (or per
 * runtime), many runs through it, one `dispose()` at the end. The request speaks in generic terms
 * (a tenant, an agent, a prompt); what a run needs that the caller does not say is derived here as
 * the Paperclip edge derives it from its host's context. The object graph behind it stays inside.
 */
import { randomUUID } from "node:crypto";
import { createContainer, disposeContainer, type ContainerOptions } from "./container.js";
import type { AdapterConfig } from "./domain/config/config-fields.js";
import { parseAdapterConfig } from "./domain/config/parse-config.js";
import { EnvironmentProbe, type EnvironmentReport } from "./domain/environment/environment-probe.js";
import { ok, type Result } from "./domain/errors.js";
import { billingEnvironmentOf, type BillingEnvironment } from "./domain/outcome/billing.js";
import type { AgentRunRequest, RunObserver, RunReport } from "./domain/run/agent-run-request.js";
import { RunOrchestrator } from "./domain/run/run-orchestrator.js";
import { resolveRunLogRoot } from "./domain/run-log-paths.js";
import { isSafeId } from "./domain/safe-id.js";
import { agentAreas } from "./domain/volume-layout.js";

export interface ClaudeK8sRunnerOptions extends ContainerOptions {
  /**
   * Settings every run starts from, by the adapter's config keys (see the README's configuration
   * table), e.g. `{ image, namespace, dataMountPath }`. On the local runtime `runtime: "local"` and
   * `dataMountPath` (its data directory) are the defaults.
   */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** One agent run, in the caller's terms. */
export interface ClaudeRunRequest {
  /** Unique per run: names the run's directory and Job; a retried run with the same id adopts its Job. */
  readonly runId: string;
  /** Who the run belongs to (Paperclip's company): Jobs, files and credentials are kept apart by it. */
  readonly tenantId: string;
  /** One running Job per agent; its HOME and default workspace live on the shared volume. */
  readonly agentId: string;
  /** The task worked on: an orphaned Job of the same task and session is adopted, not run again. */
  readonly taskId?: string | null;
  /** The complete prompt; delivered to the pod as a file on the shared volume. */
  readonly prompt: string;
  /** Config keys for this run, over the runner's. */
  readonly config?: Readonly<Record<string, unknown>>;
  /** The pod's working directory on the shared volume; default the agent's own workspace. */
  readonly workingDirectory?: string;
  /** The Claude session to resume; it must have been started in the same working directory. */
  readonly resumeSessionId?: string | null;
  /** The id a fresh session starts with (the only one the run may report); default a random UUID. */
  readonly sessionId?: string;
  /** Env for claude in the pod; the config's `env` is layered over it. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * A token for the caller's API, which the agent gets as `PAPERCLIP_API_KEY` only through the run's
   * own Secret. With a token the pod must also get a reachable `PAPERCLIP_API_URL` (config
   * `paperclipApiUrl`, or the server pod's own); without one no URL is needed.
   */
  readonly apiToken?: string;
  /** A file appended to claude's system prompt (fresh sessions only), and extra directories it may read. */
  readonly appendSystemPromptFile?: string | null;
  readonly addDirs?: readonly string[];
  /** Where the run's files live on the shared volume; default config `runLogRoot`, else under `dataMountPath`. */
  readonly runLogRoot?: string;
  /** Who bills the run; default read from the env claude gets (Bedrock switch, API key). */
  readonly billing?: BillingEnvironment;
}

export interface ClaudeK8sRunner {
  /**
   * Runs one agent run to its outcome. Refused before anything is created (bad config, unsafe
   * ids, oversize prompt): a failure value. Otherwise the report, whose outcome says how it ended.
   * Never throws for a run that failed; `signal` cancels (the Job is deleted).
   */
  run(request: ClaudeRunRequest, observer?: Partial<RunObserver>, signal?: AbortSignal): Promise<Result<RunReport>>;
  /** Checks the cluster, the shared volume and the settings runs would use, creating nothing. */
  probe(config?: Readonly<Record<string, unknown>>): Promise<Result<EnvironmentReport>>;
  /** Stops the shared watches, timers and worker thread, and the local runtime's pods. */
  dispose(): Promise<void>;
}

export function createClaudeK8sRunner(options: ClaudeK8sRunnerOptions = {}): ClaudeK8sRunner {
  const container = createContainer(options);
  const runtime = options.runtime;
  const baseConfig = {
    ...(runtime?.kind === "local" ? { runtime: "local", dataMountPath: runtime.dataDirectory } : {}),
    ...options.config,
  };
  const configFor = (overrides: Readonly<Record<string, unknown>> | undefined): Result<AdapterConfig> =>
    parseAdapterConfig({ ...baseConfig, ...overrides });

  return {
    async run(request, observer = {}, signal = new AbortController().signal) {
      const config = configFor(request.config);
      if (!config.ok) return config;
      const runLogRoot = runLogRootFor(request, config.value);
      if (!runLogRoot.ok) return runLogRoot;
      const report = await container
        .get(RunOrchestrator)
        .run(agentRunRequest(request, config.value, runLogRoot.value), completeObserver(observer), signal);
      return ok(report);
    },
    async probe(overrides) {
      const config = configFor(overrides);
      if (!config.ok) return config;
      const runLogRoot = runLogRootFor({}, config.value);
      if (!runLogRoot.ok) return runLogRoot;
      const probeName = `.claude-k8s-probe-${randomUUID()}`;
      const report = await container
        .get(EnvironmentProbe)
        .probe(config.value, runLogRoot.value, probeName, { apiUrlOptional: true });
      return ok(report);
    },
    dispose: () => disposeContainer(container),
  };
}

function agentRunRequest(request: ClaudeRunRequest, config: AdapterConfig, runLogRoot: string): AgentRunRequest {
  const env = request.env ?? {};
  const resuming = Boolean(request.resumeSessionId);
  return {
    runId: request.runId,
    agentId: request.agentId,
    tenantId: request.tenantId,
    taskId: request.taskId ?? null,
    config,
    prompt: request.prompt,
    runLogRoot,
    workingDirectory: request.workingDirectory ?? defaultWorkspace(config.dataMountPath, request),
    resumeSessionId: request.resumeSessionId ?? null,
    freshSessionId: request.sessionId ?? randomUUID(),
    appendSystemPromptFile: resuming ? null : (request.appendSystemPromptFile ?? null),
    addDirs: request.addDirs ?? [],
    env,
    apiToken: request.apiToken ?? null,
    requiresApiUrl: request.apiToken !== undefined,
    localApiUrl: null,
    // The pod inherits this process's settings as a run pod inherits its server pod's.
    billingEnv: request.billing ?? billingEnvironmentOf(process.env, env, config.env),
    allowLoopbackApiUrl: config.runtime === "local",
  };
}

/** The agent's own workspace on the volume; unsafe ids fall back to the root, which the run then refuses by name. */
function defaultWorkspace(dataMountPath: string, request: ClaudeRunRequest): string {
  const agent = { tenantId: request.tenantId, agentId: request.agentId };
  return isSafeId(agent.tenantId) && isSafeId(agent.agentId)
    ? agentAreas(dataMountPath, agent).defaultWorkspace
    : dataMountPath;
}

function runLogRootFor(request: Pick<ClaudeRunRequest, "runLogRoot">, config: AdapterConfig): Result<string> {
  return request.runLogRoot ? ok(request.runLogRoot) : resolveRunLogRoot(config, "default");
}

function completeObserver(observer: Partial<RunObserver>): RunObserver {
  return {
    onLog: observer.onLog ?? (async () => undefined),
    onStatus: observer.onStatus ?? (async () => undefined),
    ...(observer.onLaunched ? { onLaunched: observer.onLaunched } : {}),
  };
}
