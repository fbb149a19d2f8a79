/**
 * Reads what a run needs out of Paperclip's free-form `context` record, once, into named fields.
 */
import { asString } from "@paperclipai/adapter-utils/server-utils";

export interface PaperclipWorkspace {
  readonly cwd: string | null;
  readonly source: string | null;
  readonly strategy: string | null;
  readonly id: string | null;
  readonly repoUrl: string | null;
  readonly repoRef: string | null;
  readonly branch: string | null;
  readonly worktreePath: string | null;
  readonly agentHome: string | null;
}

export interface PaperclipRunContext {
  readonly taskId: string | null;
  readonly wakeReason: string | null;
  readonly wakeCommentId: string | null;
  readonly approvalId: string | null;
  readonly approvalStatus: string | null;
  readonly linkedIssueIds: readonly string[];
  readonly workspace: PaperclipWorkspace;
  readonly workspaceHints: ReadonlyArray<Record<string, unknown>>;
  readonly runtimeServiceIntents: ReadonlyArray<Record<string, unknown>>;
  readonly runtimeServices: ReadonlyArray<Record<string, unknown>>;
  readonly runtimePrimaryUrl: string | null;
  readonly sessionHandoffMarkdown: string;
}

const text = (value: unknown): string | null => {
  const trimmed = asString(value, "").trim();
  return trimmed.length > 0 ? trimmed : null;
};

const objects = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null)
    : [];

export function readRunContext(context: Record<string, unknown>): PaperclipRunContext {
  const workspace = (
    typeof context.paperclipWorkspace === "object" && context.paperclipWorkspace !== null
      ? context.paperclipWorkspace
      : {}
  ) as Record<string, unknown>;
  return {
    taskId: text(context.taskId) ?? text(context.issueId),
    wakeReason: text(context.wakeReason),
    wakeCommentId: text(context.wakeCommentId) ?? text(context.commentId),
    approvalId: text(context.approvalId),
    approvalStatus: text(context.approvalStatus),
    linkedIssueIds: Array.isArray(context.issueIds)
      ? context.issueIds.filter((id): id is string => typeof id === "string" && id.trim().length > 0)
      : [],
    workspace: {
      cwd: text(workspace.cwd),
      source: text(workspace.source),
      strategy: text(workspace.strategy),
      id: text(workspace.workspaceId),
      repoUrl: text(workspace.repoUrl),
      repoRef: text(workspace.repoRef),
      branch: text(workspace.branchName),
      worktreePath: text(workspace.worktreePath),
      agentHome: text(workspace.agentHome),
    },
    workspaceHints: objects(context.paperclipWorkspaces),
    runtimeServiceIntents: objects(context.paperclipRuntimeServiceIntents),
    runtimeServices: objects(context.paperclipRuntimeServices),
    runtimePrimaryUrl: text(context.paperclipRuntimePrimaryUrl),
    sessionHandoffMarkdown: asString(context.paperclipSessionHandoffMarkdown, "").trim(),
  };
}
