/**
 * Everything that can be refused before the cluster is touched: ids that would be unsafe in a
 * path, and a prompt over the configured limit. Pure: no I/O happens here.
 */
import { fail, ok, runFailure, type Result } from "../errors.js";
import { checkPromptSize } from "../job/prompt-delivery.js";
import { runFilePaths, type RunFilePaths } from "../run-log-paths.js";
import type { AgentRunRequest } from "./agent-run-request.js";

export interface PreparedRun {
  readonly paths: RunFilePaths;
  readonly promptBytes: number;
}

export function prepareRun(request: AgentRunRequest): Result<PreparedRun> {
  let paths: RunFilePaths;
  try {
    paths = runFilePaths(request.runLogRoot, request);
  } catch (error) {
    const message = (error as Error).message;
    const field = /^Invalid (\w+)/.exec(message)?.[1] ?? "id";
    return fail(runFailure("invalid_run_input", { field, reason: message }));
  }
  const promptBytes = checkPromptSize(request.prompt, request.config.maxPromptBytes);
  if (!promptBytes.ok) return promptBytes;
  return ok({ paths, promptBytes: promptBytes.value });
}
