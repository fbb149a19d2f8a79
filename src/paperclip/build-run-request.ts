/**
 * Maps Paperclip's execution context to the domain's AgentRunRequest: the prompt and env built
 * with adapter-utils' helpers, the resume decision, and where the run's logs live.
 */
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import type { AdapterConfig } from "../domain/config/config-fields.js";
import { fail, ok, runFailure, type Result } from "../domain/errors.js";
import type { AgentRunRequest } from "../domain/run/agent-run-request.js";
import { defaultRunLogRoot } from "../domain/run-log-paths.js";
import { decideResume } from "../domain/session/session-codec.js";
import { readRunContext } from "./run-context.js";
import { buildRunEnvLayers } from "./run-env.js";
import { buildRunPrompt } from "./run-prompt.js";

export interface BuiltRunRequest {
  readonly request: AgentRunRequest;
  readonly promptMetrics: Record<string, number>;
  /** Why a saved session was or was not resumed, for the run log. */
  readonly resumeNote: string | null;
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
  const workingDirectory = run.workspace.cwd ?? (config.cwd || config.dataMountPath);
  const resume = decideResume({
    sessionParams: ctx.runtime.sessionParams,
    legacySessionId: ctx.runtime.sessionId,
    cwd: workingDirectory,
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
  const request: AgentRunRequest = {
    runId: ctx.runId,
    agentId: ctx.agent.id,
    companyId: ctx.agent.companyId,
    taskId: run.taskId,
    config,
    prompt: built.prompt,
    runLogRoot: host.runLogRoot,
    workingDirectory,
    resumeSessionId: resume.resumeSessionId,
    appendSystemPromptFile: resuming ? null : host.bundle.appendSystemPromptFile,
    addDirs: host.bundle.addDirs,
    env: buildRunEnvLayers({ agent: ctx.agent, runId: ctx.runId, context: ctx.context, run, workingDirectory }),
    authToken: ctx.authToken ?? null,
    billingEnv: {
      useBedrock:
        /^(1|true)$/i.test(host.env.CLAUDE_CODE_USE_BEDROCK ?? "") || Boolean(host.env.ANTHROPIC_BEDROCK_BASE_URL),
      hasApiKey: Boolean(host.env.ANTHROPIC_API_KEY || config.env.ANTHROPIC_API_KEY),
    },
    allowLoopbackApiUrl: config.runtime === "local",
  };
  return { request, promptMetrics: built.metrics, resumeNote: resume.reason };
}

/** The run-log root both pods agree on: config runLogRoot, else Paperclip's own store for this instance. */
export function resolveRunLogRoot(config: AdapterConfig, env: NodeJS.ProcessEnv): Result<string> {
  if (config.runLogRoot) return ok(config.runLogRoot);
  const instanceId = config.instanceId || env.PAPERCLIP_INSTANCE_ID || "default";
  try {
    return ok(defaultRunLogRoot(config.dataMountPath, instanceId));
  } catch (error) {
    return fail(runFailure("invalid_run_input", { field: "instanceId", reason: (error as Error).message }));
  }
}
