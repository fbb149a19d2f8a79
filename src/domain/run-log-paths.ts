/**
 * Where a run's files live on the shared volume. One helper, used by the server (to tail and
 * clean up) and by the Job manifest (where the pod writes), so both sides always agree.
 *
 * Each run has its own directory `<runLogRoot>/<tenantId>/<agentId>/<runId>/`, created by the
 * server and mounted alone into the run's pod: the pod sees its own files and nothing of any other run.
 */

import { ok, type Result } from "./errors.js";
import { isSafeId, parseSafeId, TENANT_ID_FIELD, unsafeIdReason } from "./safe-id.js";

/**
 * A last line of defence for path builders handed ids nobody parsed: callers parse them first
 * (`parseSafeId`, `parseRunIds`), so in the run flow this never throws.
 */
export function assertSafePathComponent(field: string, value: string): void {
  if (!isSafeId(value)) throw new Error(unsafeIdReason(field, value));
}

export interface RunIdentity {
  readonly tenantId: string;
  readonly agentId: string;
  readonly runId: string;
}

export interface RunFilePaths {
  /** The run-log root: every path below lies under it, and file-system calls are confined to it. */
  readonly root: string;
  /** This run's own directory (one per run); the pod mounts exactly this directory. */
  readonly directory: string;
  /** claude's stream-json stdout. */
  readonly stdout: string;
  /** claude's stderr. */
  readonly stderr: string;
  /** End-of-stream trailer: exit code and exact byte counts, written atomically after claude exits. */
  readonly trailer: string;
  /** The prompt, delivered to the pod as a file (any size, never via env or argv); read-only in the pod. */
  readonly prompt: string;
}

/** The names of a run's files inside its directory; nothing else belongs there. */
export const RUN_FILE_NAMES = {
  stdout: "stdout.ndjson",
  stderr: "stderr.log",
  trailer: "trailer.json",
  prompt: "prompt.md",
} as const;

export function defaultRunLogRoot(dataMountPath: string, instanceId: string): string {
  assertSafePathComponent("instanceId", instanceId);
  return `${trimTrailingSlash(dataMountPath)}/instances/${instanceId}/data/run-logs`;
}

/**
 * The run-log root the server and the pods agree on: the configured `runLogRoot`, else the instance's
 * own store on the data mount (`config.instanceId`, else `fallbackInstanceId`), its id checked.
 */
export function resolveRunLogRoot(
  config: { readonly runLogRoot: string; readonly instanceId: string; readonly dataMountPath: string },
  fallbackInstanceId: string,
): Result<string> {
  if (config.runLogRoot) return ok(config.runLogRoot);
  const instanceId = parseSafeId("instanceId", config.instanceId || fallbackInstanceId);
  return instanceId.ok ? ok(defaultRunLogRoot(config.dataMountPath, instanceId.value)) : instanceId;
}

export function runFilePaths(runLogRoot: string, run: RunIdentity): RunFilePaths {
  assertSafePathComponent(TENANT_ID_FIELD, run.tenantId);
  assertSafePathComponent("agentId", run.agentId);
  assertSafePathComponent("runId", run.runId);
  const directory = `${trimTrailingSlash(runLogRoot)}/${run.tenantId}/${run.agentId}/${run.runId}`;
  return {
    root: trimTrailingSlash(runLogRoot),
    directory,
    stdout: `${directory}/${RUN_FILE_NAMES.stdout}`,
    stderr: `${directory}/${RUN_FILE_NAMES.stderr}`,
    trailer: `${directory}/${RUN_FILE_NAMES.trailer}`,
    prompt: `${directory}/${RUN_FILE_NAMES.prompt}`,
  };
}

function trimTrailingSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}
