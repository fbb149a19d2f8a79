/**
 * Maps Paperclip's execution context to the domain's AgentRunRequest (a company is the tenant): the
 * prompt and env built with adapter-utils' helpers, the resume decision, and where the run's logs live.
 */
import { randomUUID } from "node:crypto";
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import type { AdapterConfig } from "../domain/config/config-fields.js";
import type { Result } from "../domain/errors.js";
import { billingEnvironmentOf } from "../domain/outcome/billing.js";
import type { AgentRunRequest } from "../domain/run/agent-run-request.js";
import { resolveRunLogRoot } from "../domain/run-log-paths.js";
import { isSafeId } from "../domain/safe-id.js";
import { decideResume } from "../domain/session/session-codec.js";
import { agentAreas, isWithin } from "../domain/volume-layout.js";
import { readRunContext } from "./run-context.js";
import { buildPaperclipRunEnv } from "./run-env.js";
import { buildRunPrompt } from "./run-prompt.js";

export interface BuiltRunRequest {
  readonly request: AgentRunRequest;
  readonly promptMetrics: Record<string, number>;
  /** Why a saved session was or was not resumed, for the run log. */
  readonly resumeNote: string | null;
  /** Where the run's claude keeps its sessions (the agent's HOME/.claude); null when the ids are unusable. */
  readonly claudeConfigDirectory: string | null;
}

export interface BundlePaths {
  readonly appendSystemPromptFile: string | null;
  readonly addDirs: readonly string[];
}

export function buildRunRequest(
  ctx: AdapterExecutionContext,
  config: AdapterConfig,
  host: { readonly env: NodeJS.ProcessEnv; readonly bundle: BundlePaths; readonly runLogRoot: string },
): BuiltRunRequest {
  const run = readRunContext(ctx.context);
  const areas = agentAreasOrNull(config.dataMountPath, ctx.agent.companyId, ctx.agent.id);
  const workingDirectory = chooseWorkingDirectory(run.workspace, config, areas?.defaultWorkspace ?? null);
  const resume = decideResume({
    sessionParams: ctx.runtime.sessionParams,
    legacySessionId: ctx.runtime.sessionId,
    cwd: workingDirectory,
    configDir: areas?.claudeConfigDirectory ?? null,
  });
  const resuming = resume.resumeSessionId !== null;
  const built = buildRunPrompt({
    agent: ctx.agent,
    runId: ctx.runId,
    context: ctx.context,
    promptTemplate: config.promptTemplate,
    bootstrapPromptTemplate: config.bootstrapPromptTemplate,
    sessionHandoffMarkdown: run.sessionHandoffMarkdown,
    resumingSession: resuming,
  });
  const runEnv = buildPaperclipRunEnv({
    agent: ctx.agent,
    runId: ctx.runId,
    context: ctx.context,
    run,
    workingDirectory,
  });
  const request: AgentRunRequest = {
    runId: ctx.runId,
    agentId: ctx.agent.id,
    tenantId: ctx.agent.companyId,
    taskId: run.taskId,
    config,
    prompt: built.prompt,
    runLogRoot: host.runLogRoot,
    workingDirectory,
    resumeSessionId: resume.resumeSessionId,
    // The server, not the pod, names a fresh session: the run reports only this id or the resumed one.
    freshSessionId: randomUUID(),
    appendSystemPromptFile: resuming ? null : host.bundle.appendSystemPromptFile,
    addDirs: host.bundle.addDirs,
    env: runEnv.env,
    apiToken: ctx.authToken ?? null,
    // Paperclip's agents always call its API back: a run pod with no URL for it is refused.
    requiresApiUrl: true,
    localApiUrl: runEnv.localApiUrl,
    // The pod sees the server's settings and the agent's env on top: either can switch claude to Bedrock.
    billingEnv: billingEnvironmentOf(host.env, config.env),
    allowLoopbackApiUrl: config.runtime === "local",
  };
  return {
    request,
    promptMetrics: built.metrics,
    resumeNote: resume.reason,
    claudeConfigDirectory: areas?.claudeConfigDirectory ?? null,
  };
}

/**
 * Paperclip's workspace cwd; else config cwd; else the agent's own workspace under the adapter's
 * tree. Paperclip's "agent_home" fallback is only a suggestion: when it lies off the data volume
 * (Paperclip's home on its own disk) the pod could not share it, so the agent's workspace on the
 * volume is used instead. Whatever is chosen is checked by the domain's working-directory rule.
 */
function chooseWorkingDirectory(
  workspace: ReturnType<typeof readRunContext>["workspace"],
  config: AdapterConfig,
  defaultWorkspace: string | null,
): string {
  const fallback = config.cwd || defaultWorkspace || config.dataMountPath;
  if (workspace.cwd === null) return fallback;
  if (workspace.source === "agent_home" && !isWithin(workspace.cwd, config.dataMountPath)) return fallback;
  return workspace.cwd;
}

function agentAreasOrNull(dataMountPath: string, companyId: string, agentId: string) {
  // Unsafe ids: the domain refuses the run with the path rule's own message.
  return isSafeId(companyId) && isSafeId(agentId) ? agentAreas(dataMountPath, { tenantId: companyId, agentId }) : null;
}

/** The run-log root both pods agree on: config runLogRoot, else Paperclip's own store for this instance. */
export function paperclipRunLogRoot(config: AdapterConfig, env: NodeJS.ProcessEnv): Result<string> {
  return resolveRunLogRoot(config, env.PAPERCLIP_INSTANCE_ID || "default");
}
