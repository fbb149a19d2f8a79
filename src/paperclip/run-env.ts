/**
 * The run's env from Paperclip's context, built with adapter-utils' own helpers so the agent sees the
 * same variables as under Paperclip's local Claude adapter: Paperclip's run env, then the run's
 * context vars over it. The Job manifest layers the server pod's env under it and `config.env` over
 * it, and swaps the loopback PAPERCLIP_API_URL for a pod-reachable one. The run token is NOT here:
 * it only travels in the per-run Secret.
 */
import {
  applyPaperclipWorkspaceEnv,
  buildPaperclipEnv,
  readPaperclipIssueWorkModeFromContext,
  stringifyPaperclipWakePayload,
} from "@paperclipai/adapter-utils/server-utils";
import type { PaperclipRunContext } from "./run-context.js";

export interface PaperclipRunEnv {
  /** The request's env: Paperclip's run env, then the context vars (later wins). */
  readonly env: Record<string, string>;
  /** Paperclip's API as its local agents reach it (loopback): the local runtime's last resort. */
  readonly localApiUrl: string | null;
}

export function buildPaperclipRunEnv(input: {
  readonly agent: { id: string; companyId: string };
  readonly runId: string;
  readonly context: Record<string, unknown>;
  readonly run: PaperclipRunContext;
  readonly workingDirectory: string;
}): PaperclipRunEnv {
  const paperclip: Record<string, string> = { ...buildPaperclipEnv(input.agent), PAPERCLIP_RUN_ID: input.runId };
  // The agent must never receive a token through this layer.
  delete paperclip.PAPERCLIP_API_KEY;

  const { run } = input;
  const context: Record<string, string> = {};
  const set = (key: string, value: string | null | undefined) => {
    if (value) context[key] = value;
  };
  set("PAPERCLIP_TASK_ID", run.taskId);
  set("PAPERCLIP_ISSUE_WORK_MODE", readPaperclipIssueWorkModeFromContext(input.context));
  set("PAPERCLIP_WAKE_REASON", run.wakeReason);
  set("PAPERCLIP_WAKE_COMMENT_ID", run.wakeCommentId);
  set("PAPERCLIP_APPROVAL_ID", run.approvalId);
  set("PAPERCLIP_APPROVAL_STATUS", run.approvalStatus);
  set("PAPERCLIP_LINKED_ISSUE_IDS", run.linkedIssueIds.join(","));
  set("PAPERCLIP_WAKE_PAYLOAD_JSON", stringifyPaperclipWakePayload(input.context.paperclipWake));
  applyPaperclipWorkspaceEnv(context, {
    workspaceCwd: input.workingDirectory,
    workspaceSource: run.workspace.source,
    workspaceStrategy: run.workspace.strategy,
    workspaceId: run.workspace.id,
    workspaceRepoUrl: run.workspace.repoUrl,
    workspaceRepoRef: run.workspace.repoRef,
    workspaceBranch: run.workspace.branch,
    workspaceWorktreePath: run.workspace.worktreePath,
    agentHome: run.workspace.agentHome,
  });
  if (run.workspaceHints.length > 0) context.PAPERCLIP_WORKSPACES_JSON = JSON.stringify(run.workspaceHints);
  if (run.runtimeServiceIntents.length > 0) {
    context.PAPERCLIP_RUNTIME_SERVICE_INTENTS_JSON = JSON.stringify(run.runtimeServiceIntents);
  }
  if (run.runtimeServices.length > 0) context.PAPERCLIP_RUNTIME_SERVICES_JSON = JSON.stringify(run.runtimeServices);
  set("PAPERCLIP_RUNTIME_PRIMARY_URL", run.runtimePrimaryUrl);
  return { env: { ...paperclip, ...context }, localApiUrl: paperclip.PAPERCLIP_API_URL ?? null };
}
