/**
 * Everything that can be refused before the cluster is touched: ids that would be unsafe in a
 * path, a working directory the pod may not mount, and a prompt over the configured limit. Pure:
 * no I/O happens here.
 */
import { fail, ok, type Result } from "../errors.js";
import { checkPromptSize } from "../job/prompt-delivery.js";
import { refuseWorkingDirectory } from "../job/working-directory-rule.js";
import { runFilePaths } from "../run-log-paths.js";
import { parseRunIds } from "../safe-id.js";
import type { AgentRunRequest } from "./agent-run-request.js";
import type { PreparedRun } from "./run-phases.js";

export function prepareRun(request: AgentRunRequest): Result<PreparedRun> {
  const ids = parseRunIds(request);
  if (!ids.ok) return ids;
  const cwdRefused = refuseWorkingDirectory({
    dataMountPath: request.config.dataMountPath,
    runLogRoot: request.runLogRoot,
    tenantId: request.tenantId,
    agentId: request.agentId,
    workingDirectory: request.workingDirectory,
  });
  if (cwdRefused) return fail(cwdRefused);
  const promptBytes = checkPromptSize(request.prompt, request.config.maxPromptBytes);
  if (!promptBytes.ok) return promptBytes;
  return ok({ ids: ids.value, paths: runFilePaths(request.runLogRoot, ids.value), promptBytes: promptBytes.value });
}
