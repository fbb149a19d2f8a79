/**
 * Everything that can be refused before the cluster is touched: ids that would be unsafe in a
 * path, a working directory the pod may not mount, and a prompt over the configured limit. Pure:
 * no I/O happens here.
 */
import { fail, ok, runFailure, type Result } from "../errors.js";
import { checkPromptSize } from "../job/prompt-delivery.js";
import { refuseWorkingDirectory } from "../job/working-directory-rule.js";
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
  const cwdRefused = refuseWorkingDirectory({
    dataMountPath: request.config.dataMountPath,
    runLogRoot: request.runLogRoot,
    companyId: request.companyId,
    agentId: request.agentId,
    workingDirectory: request.workingDirectory,
  });
  if (cwdRefused) return fail(cwdRefused);
  const promptBytes = checkPromptSize(request.prompt, request.config.maxPromptBytes);
  if (!promptBytes.ok) return promptBytes;
  return ok({ paths, promptBytes: promptBytes.value });
}
