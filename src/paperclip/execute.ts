/**
 * `execute(ctx)`: Paperclip's run entry point. Parses config, builds the domain request with
 * adapter-utils' helpers, opts in to cancellation, runs the RunOrchestrator and maps its report to
 * an AdapterExecutionResult. It never throws to the host: anything unexpected becomes a result with
 * errorCode `internal_error`.
 */
import type {
  AdapterExecutionContext,
  AdapterExecutionResult,
  AdapterInvocationMeta,
} from "@paperclipai/adapter-utils";
import {
  isForbiddenConfigEnvKey,
  redactCommandTextForLogs,
  redactEnvForLogs,
} from "@paperclipai/adapter-utils/server-utils";
import { parseAdapterConfig } from "../domain/config/parse-config.js";
import { runFailure, RunFailureError } from "../domain/errors.js";
import type { RunLaunch, RunObserver } from "../domain/run/agent-run-request.js";
import { phaseLine } from "../domain/cluster/phase-line.js";
import { ADAPTER_TYPE } from "./adapter-type.js";
import { buildRunRequest, paperclipRunLogRoot, type BuiltRunRequest } from "./build-run-request.js";
import { executionResult, failureResult } from "./execution-result.js";
import { escapePodLine, splitLogChunk } from "./log-chunks.js";
import type { RunServicesProvider } from "./run-services.js";
import { readServerSettings, refuseServerSideSettings } from "./server-settings.js";

export function createExecute(services: RunServicesProvider, hostEnv: NodeJS.ProcessEnv = process.env) {
  return async function execute(ctx: AdapterExecutionContext): Promise<AdapterExecutionResult> {
    try {
      return await executeRun(ctx, services, hostEnv);
    } catch (error) {
      // A refusal raised where only throwing was possible (the prompt bundle) keeps its own code.
      if (error instanceof RunFailureError) return failureResult(error.failure);
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return failureResult(runFailure("internal_error", { detail }));
    }
  };
}

async function executeRun(
  ctx: AdapterExecutionContext,
  services: RunServicesProvider,
  hostEnv: NodeJS.ProcessEnv,
): Promise<AdapterExecutionResult> {
  const config = parseAdapterConfig(ctx.config, { isForbiddenEnvKey: isForbiddenConfigEnvKey, serverEnv: hostEnv });
  if (!config.ok) return failureResult(config.failure);
  const serverSide = refuseServerSideSettings(config.value, readServerSettings(hostEnv));
  if (serverSide) return failureResult(serverSide);
  const unavailable = services.unavailable?.(config.value);
  if (unavailable) return failureResult(unavailable);
  const runLogRoot = paperclipRunLogRoot(config.value, hostEnv);
  if (!runLogRoot.ok) return failureResult(runLogRoot.failure);

  const runtime = services.for(config.value);
  const bundle = await runtime.bundles.prepare(ctx, config.value);
  const built = buildRunRequest(ctx, config.value, { env: hostEnv, bundle, runLogRoot: runLogRoot.value });
  if (built.resumeNote) await ctx.onLog("stdout", `${phaseLine(built.resumeNote)}\n`);

  await ctx.onCancellationReady?.();
  ctx.onDispatch?.();
  const signal = ctx.signal ?? new AbortController().signal;
  const report = await runtime.orchestrator.run(built.request, observerFor(ctx, built), signal);
  return executionResult(report, { cwd: built.request.workingDirectory, configDir: built.claudeConfigDirectory });
}

function observerFor(ctx: AdapterExecutionContext, built: BuiltRunRequest): RunObserver {
  // One queue for pod lines and status lines: a status line never lands between the pieces of a long line.
  let last: Promise<unknown> = Promise.resolve();
  const inOrder = (write: () => Promise<void>): Promise<void> => {
    const next = last.then(write, write);
    last = next.catch(() => undefined);
    return next;
  };
  return {
    onLog: (stream, chunk) =>
      inOrder(async () => {
        for (const piece of splitLogChunk(escapePodLine(chunk))) await ctx.onLog(stream, piece);
      }),
    onStatus: (line) => inOrder(() => ctx.onLog("stdout", `${line}\n`)),
    onLaunched: async (launch) => {
      await ctx.onMeta?.(invocationMeta(ctx, built, launch));
    },
  };
}

/** What Paperclip records about the invocation: command, redacted env, prompt and its metrics. */
function invocationMeta(
  ctx: AdapterExecutionContext,
  built: BuiltRunRequest,
  launch: RunLaunch,
): AdapterInvocationMeta {
  const { request } = built;
  const notes = [
    `Job: ${launch.namespace}/${launch.jobName}`,
    `Runtime: ${request.config.runtime}`,
    ...(launch.image ? [`Image: ${launch.image}`] : []),
    `Timeout: ${request.config.timeoutSec > 0 ? `${request.config.timeoutSec}s` : "none"}`,
    ...(launch.reattachedFromRunId ? [`Reattached to the Job of run ${launch.reattachedFromRunId}`] : []),
  ];
  return {
    adapterType: ADAPTER_TYPE,
    command: launch.command[0] ?? "claude",
    commandArgs: launch.command.slice(1).map((arg) => redactCommandTextForLogs(arg)),
    commandNotes: notes,
    cwd: request.workingDirectory,
    env: redactEnvForLogs({ ...request.env, ...request.config.env }),
    prompt: launch.reattachedFromRunId ? "" : request.prompt,
    promptMetrics: { ...built.promptMetrics, promptBytes: launch.promptBytes },
    context: ctx.context,
  };
}
