/**
 * The labels and annotations every run Job (and its pod) carries. Labels are for selection (the
 * shared watches, the concurrency guard); annotations carry the run id a later reattach needs, so
 * nothing is rebuilt from a new run. The path annotations are for operators (kubectl describe):
 * a reattach recomputes every path from the ids and the server's run-log root, never from them.
 */
import type { Job } from "../../ports/kubernetes-objects.js";
import { isSafeId, type SafeId } from "../safe-id.js";
import { shortHash } from "./short-hash.js";

export const ADAPTER_TYPE = "claude_k8s";

export const LABEL_KEYS = {
  managedBy: "app.kubernetes.io/managed-by",
  component: "app.kubernetes.io/component",
  adapterType: "paperclip.io/adapter-type",
  agentId: "paperclip.io/agent-id",
  runId: "paperclip.io/run-id",
  tenantId: "paperclip.io/company-id",
  taskId: "paperclip.io/task-id",
  sessionId: "paperclip.io/session-id",
} as const;

export const MANAGED_BY_VALUE = "paperclip-claude-k8s";
export const COMPONENT_VALUE = "agent-run";

/** The selector every run Job and pod matches; the shared watches select on it. */
export const MANAGED_BY_SELECTOR = `${LABEL_KEYS.managedBy}=${MANAGED_BY_VALUE}`;

export const ANNOTATION_KEYS = {
  runId: "paperclip.io/run-id",
  agentId: "paperclip.io/agent-id",
  taskId: "paperclip.io/task-id",
  sessionId: "paperclip.io/session-id",
  stdoutPath: "paperclip.io/stdout-path",
  stderrPath: "paperclip.io/stderr-path",
  trailerPath: "paperclip.io/trailer-path",
  promptPath: "paperclip.io/prompt-path",
  /** The Claude session the Job runs (resumed or server-chosen): what a reattached run may report. */
  claudeSessionId: "paperclip.io/claude-session-id",
  /** "true" when the run retains its Job and files (retainJobs): the reconciler leaves the Job to its TTL. */
  retained: "paperclip.io/retained",
} as const;

const MAX_LABEL_VALUE = 63;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

/**
 * A valid label value (≤ 63 chars of `[A-Za-z0-9._-]`, alphanumeric at both ends) for any id.
 * A value that is already valid is kept as is; any other is reduced to its safe characters and
 * suffixed with a hash of the original, so two different ids never share a label value. Both the
 * writer and every selector must go through this function.
 */
export function sanitizeLabelValue(value: string): string {
  if (LABEL_VALUE.test(value)) return value;
  const hash = shortHash(value, 8);
  const safe = value
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, MAX_LABEL_VALUE - hash.length - 1)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return safe === "" ? hash : `${safe}-${hash}`;
}

/** `key=value` equality selector for one label, with the value sanitized as the writer did. */
export function labelSelector(entries: Readonly<Record<string, string>>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${sanitizeLabelValue(value)}`)
    .join(",");
}

/** The selector for every run Job of one agent (the concurrency guard's query). */
export function agentRunsSelector(agentId: string): string {
  return `${MANAGED_BY_SELECTOR},${labelSelector({ [LABEL_KEYS.agentId]: agentId })}`;
}

export interface RunLabelInput {
  readonly runId: string;
  readonly agentId: string;
  readonly tenantId: string;
  readonly taskId: string | null;
  readonly sessionKey: string | null;
  /** Operator labels from config; the adapter's own keys always win over them. */
  readonly extra: Readonly<Record<string, string>>;
}

export function buildRunLabels(input: RunLabelInput): Record<string, string> {
  const own: Record<string, string> = {
    [LABEL_KEYS.managedBy]: MANAGED_BY_VALUE,
    [LABEL_KEYS.component]: COMPONENT_VALUE,
    [LABEL_KEYS.adapterType]: sanitizeLabelValue(ADAPTER_TYPE),
    [LABEL_KEYS.agentId]: sanitizeLabelValue(input.agentId),
    [LABEL_KEYS.runId]: sanitizeLabelValue(input.runId),
    [LABEL_KEYS.tenantId]: sanitizeLabelValue(input.tenantId),
  };
  if (input.taskId) own[LABEL_KEYS.taskId] = sanitizeLabelValue(input.taskId);
  if (input.sessionKey) own[LABEL_KEYS.sessionId] = sanitizeLabelValue(input.sessionKey);
  return { ...input.extra, ...own };
}

export interface RunAnnotations {
  readonly runId: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  readonly trailerPath: string;
  readonly promptPath: string;
}

export interface RunAnnotationInput extends RunAnnotations {
  readonly agentId: string;
  readonly taskId: string | null;
  readonly sessionKey: string | null;
  readonly claudeSessionId?: string | null;
}

/** Raw (unsanitized) values: annotations have no length or charset limit worth worrying about. */
export function buildRunAnnotations(input: RunAnnotationInput): Record<string, string> {
  const annotations: Record<string, string> = {
    [ANNOTATION_KEYS.runId]: input.runId,
    [ANNOTATION_KEYS.agentId]: input.agentId,
    [ANNOTATION_KEYS.stdoutPath]: input.stdoutPath,
    [ANNOTATION_KEYS.stderrPath]: input.stderrPath,
    [ANNOTATION_KEYS.trailerPath]: input.trailerPath,
    [ANNOTATION_KEYS.promptPath]: input.promptPath,
  };
  if (input.taskId) annotations[ANNOTATION_KEYS.taskId] = input.taskId;
  if (input.sessionKey) annotations[ANNOTATION_KEYS.sessionId] = input.sessionKey;
  if (input.claudeSessionId) annotations[ANNOTATION_KEYS.claudeSessionId] = input.claudeSessionId;
  return annotations;
}

/** What a reattach needs from a Job this adapter created; null when any of it is missing. */
export function readRunAnnotations(job: Job): RunAnnotations | null {
  const annotations = job.metadata.annotations ?? {};
  const runId = annotations[ANNOTATION_KEYS.runId];
  const stdoutPath = annotations[ANNOTATION_KEYS.stdoutPath];
  const stderrPath = annotations[ANNOTATION_KEYS.stderrPath];
  const trailerPath = annotations[ANNOTATION_KEYS.trailerPath];
  const promptPath = annotations[ANNOTATION_KEYS.promptPath];
  if (!runId || !stdoutPath || !stderrPath || !trailerPath || !promptPath) return null;
  return { runId, stdoutPath, stderrPath, trailerPath, promptPath };
}

/**
 * The Job's run id when it is a safe path component and agrees with the run-id label the adapter
 * wrote beside it; null otherwise (a hand-edited or foreign Job is not adopted, nor its files swept).
 */
export function validatedRunId(job: Job): SafeId | null {
  const runId = job.metadata.annotations?.[ANNOTATION_KEYS.runId];
  if (!runId || !isSafeId(runId)) return null;
  return job.metadata.labels?.[LABEL_KEYS.runId] === sanitizeLabelValue(runId) ? runId : null;
}
