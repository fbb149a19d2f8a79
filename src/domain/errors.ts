/**
 * The one error model. Every failure a run can end with has a stable `errorCode` here and a
 * message template that names what failed, where, and what to do. Failures travel as values
 * (`RunFailure`) until the Paperclip edge turns them into an `AdapterExecutionResult`.
 * Every parameter is made printable (one line, bounded, no escapes, no `[claude-k8s]` copy): a
 * message may quote claude's own words, never raw bytes a pod wrote.
 */
import { printableText } from "./printable-text.js";

type Params = Record<string, string | number | undefined>;

interface ErrorSpec {
  /** Builds the operator-facing message from the failure's parameters. */
  readonly message: (p: Params) => string;
}

/**
 * A parameter as text. Quoted words often end a sentence of their own ("… the specified resource."):
 * that single closing full stop is dropped so the template's own punctuation is never doubled.
 */
const s = (value: string | number | undefined): string =>
  value === undefined ? "?" : String(value).replace(/(?<!\.)\.\s*$/, "");

function printableParams(details: Params): Params {
  const clean: Params = {};
  for (const [key, value] of Object.entries(details))
    clean[key] = typeof value === "string" ? printableText(value) : value;
  return clean;
}

export const ERROR_CATALOG = {
  invalid_config: {
    message: (p) =>
      `Invalid adapter config field "${s(p.field)}": ${s(p.reason)}. Fix it in the agent's adapter settings.`,
  },
  invalid_run_input: {
    message: (p) => `Invalid ${s(p.field)} for this run: ${s(p.reason)}.`,
  },
  prompt_too_large: {
    message: (p) =>
      `Prompt is ${s(p.bytes)} bytes, over the ${s(p.limit)}-byte limit; shorten the prompt template or task text.`,
  },
  timeout: {
    message: (p) =>
      `Run exceeded its ${s(p.timeoutSec)} s timeout (Job ${s(p.job)}: ${s(p.reason)}); raise timeoutSec or split the task.`,
  },
  cancelled: {
    message: (p) => `Run cancelled by the operator; Job ${s(p.job)} was deleted.`,
  },
  claude_failed: {
    message: (p) => `Claude exited with code ${s(p.exitCode)} in Job ${s(p.job)}: ${s(p.detail)}`,
  },
  claude_truncated: {
    message: (p) =>
      `Claude produced output but no result event in Job ${s(p.job)} (${s(p.cause)}); the run was cut short.`,
  },
  claude_auth_required: {
    message: (p) =>
      `Claude has no usable Anthropic credentials in Job ${s(p.job)}: ${s(p.detail)}. Provide a valid ANTHROPIC_API_KEY, or log claude in with credentials on the data volume.`,
  },
  claude_auth_forbidden: {
    message: (p) =>
      `Anthropic refused claude's credentials access in Job ${s(p.job)}: ${s(p.detail)}. The credentials are known but not allowed this request; check the key's or account's organisation, workspace and model access.`,
  },
  max_turns_exhausted: {
    message: (p) =>
      `Claude stopped at its max-turns limit in Job ${s(p.job)}: ${s(p.detail)}. Raise maxTurnsPerRun or split the task.`,
  },
  session_unavailable: {
    message: (p) =>
      `Claude session ${s(p.sessionId)} cannot be resumed (claude: ${s(p.detail)}); the next run starts a fresh session.`,
  },
  provider_quota: {
    message: (p) =>
      `Anthropic quota or rate limit reached: ${s(p.detail)}. The run can be retried after the reset; check the account's plan if it persists.`,
  },
  claude_transient_upstream: {
    message: (p) => `Anthropic API failed transiently: ${s(p.detail)}. Retrying later should succeed.`,
  },
  claude_refusal: {
    message: (p) => `The model refused the request: ${s(p.detail)}. Rephrase the task or the agent's instructions.`,
  },
  model_not_found: {
    message: (p) =>
      `Model ${s(p.model)} was not found by the provider (claude: ${s(p.detail)}); pick another model in the agent settings.`,
  },
  k8s_not_configured: {
    message: (p) =>
      `Runtime "kubernetes" (the default) needs cluster credentials, and this Paperclip server has none: ${s(p.reason)}. Run Paperclip in the cluster (its service account is used) or set KUBECONFIG in the server's environment; on a single machine set the agent's runtime to "local" (the operator enables it with CLAUDE_K8S_ENABLE_LOCAL_RUNTIME=1).`,
  },
  k8s_api_error: {
    message: (p) =>
      `Kubernetes API ${s(p.operation)} failed (${s(p.status)}): ${s(p.detail)}. Check the API server and the adapter's RBAC.`,
  },
  k8s_concurrent_run_blocked: {
    message: (p) =>
      `Agent ${s(p.agentId)} already has a running Job ${s(p.job)} for another task or session; wait for it or delete it.`,
  },
  k8s_launch_undo_failed: {
    message: (p) =>
      `Launching Job ${s(p.job)} failed (${s(p.cause)}) and undoing it failed too (${s(p.detail)}): Job ${s(p.job)} is left behind suspended. Delete it with kubectl delete job -n ${s(p.namespace)} ${s(p.name)}; the adapter's reconciler also removes it after its grace period.`,
  },
  k8s_job_deleted_externally: {
    message: (p) =>
      `Job ${s(p.job)} was deleted by someone other than this adapter before the run finished; check for operators, scripts or TTL cleanup deleting the adapter's Jobs.`,
  },
  k8s_image_pull_failed: {
    message: (p) => `Pod ${s(p.pod)} cannot pull image ${s(p.image)}: ${s(p.reason)}: ${s(p.detail)}.`,
  },
  k8s_unschedulable: {
    message: (p) =>
      `Pod ${s(p.pod)} cannot be scheduled: ${s(p.detail)}. Check nodeSelector, tolerations and resources.`,
  },
  k8s_init_container_failed: {
    message: (p) => `Init container ${s(p.container)} of pod ${s(p.pod)} failed: ${s(p.detail)}.`,
  },
  k8s_volume_mount_failed: {
    message: (p) =>
      `Pod ${s(p.pod)} cannot mount its volumes: ${s(p.detail)}. Check that the data PVC (ReadWriteMany) and every Secret or ConfigMap the pod mounts exist in its namespace.`,
  },
  k8s_pod_start_timeout: {
    message: (p) => `Pod for Job ${s(p.job)} did not start within ${s(p.seconds)} s (last state: ${s(p.detail)}).`,
  },
  k8s_pod_log_file_missing: {
    message: (p) => `Pod log file never appeared at ${s(p.path)}`,
  },
  k8s_pod_log_truncated: {
    message: (p) =>
      `Pod log file ${s(p.path)} was ${s(p.how)} while being read (at byte ${s(p.offset)}); output after that point cannot be trusted.`,
  },
  k8s_pod_log_incomplete: {
    message: (p) =>
      `Pod log ${s(p.path)} is incomplete: ${s(p.detail)}. The shared volume did not show every byte the pod wrote within the drain window.`,
  },
  k8s_pod_log_writer_died: {
    message: (p) =>
      `The pod stopped without writing its end-of-stream trailer ${s(p.path)}; the run script was killed before claude's output was closed.`,
  },
  k8s_pod_log_read_failed: {
    message: (p) => `Reading ${s(p.path)} failed (${s(p.detail)}); check the shared volume's health and permissions.`,
  },
  k8s_pod_log_overrun: {
    message: (p) =>
      `Pod log file ${s(p.path)} holds ${s(p.actual)} bytes but the pod's trailer promised ${s(p.expected)}; something else wrote to it after claude exited.`,
  },
  k8s_pod_log_not_regular: {
    message: (p) =>
      `Run file ${s(p.path)} is ${s(p.found)}, not a regular file with one link; nothing was read from it. A process in the run's pod put it there: check what the agent ran.`,
  },
  k8s_run_path_unsafe: {
    message: (p) =>
      `Run path ${s(p.path)} was refused for ${s(p.operation)}: ${s(p.found)}. Nothing was read, written or removed through it; check what the agent ran and the run-log root's directories.`,
  },
  k8s_fs_call_stuck: {
    message: (p) =>
      `A file-system call (${s(p.operation)} of ${s(p.path)}) ${s(p.detail)}, so the run was stopped; check the shared volume's health (a hung NFS or CephFS mount).`,
  },
  k8s_pod_output_limit_exceeded: {
    message: (p) =>
      `The run's pod wrote past its ${s(p.limit)} limit of ${s(p.max)} ${s(p.unit)} (stdout and stderr together; reading ${s(p.path)}); the Job was stopped and the rest of its output discarded. Raise ${s(p.limit)} in the agent's adapter settings if the agent really needs more.`,
  },
  k8s_exit_code_mismatch: {
    message: (p) =>
      `The pod's trailer claims claude exited with code ${s(p.claimed)}, but Kubernetes reports that the container of Job ${s(p.job)} exited with code ${s(p.actual)}${p.reason ? ` (${s(p.reason)})` : ""}; the run's own success report is not trusted. Check the pod's events (kubectl describe job ${s(p.job)}) and rerun the task.`,
  },
  log_sink_failed: {
    message: (p) =>
      `Delivering ${s(p.stream)} line ${s(p.line)} of ${s(p.path)} to onLog failed: ${s(p.detail)}. Output streaming stopped at that line.`,
  },
  internal_error: {
    message: (p) => `Unexpected adapter error: ${s(p.detail)}. Please report it with the run id.`,
  },
  k8s_container_create_failed: {
    message: (p) =>
      `Container ${s(p.container)} of pod ${s(p.pod)} could not be created: ${s(p.reason)}: ${s(p.detail)}. Check its image, command and security context.`,
  },
  k8s_pod_end_wait_expired: {
    message: (p) =>
      `Gave up after ${s(p.seconds)} s waiting for Job ${s(p.job)} to end (last state: ${s(p.detail)}); inspect it with kubectl describe job ${s(p.job)}.`,
  },
  paperclip_api_url_unreachable: {
    message: (p) =>
      `The run pod's PAPERCLIP_API_URL ${s(p.reason)} (from ${s(p.source)}), which the agent in the run pod cannot use to reach Paperclip; set the adapter's paperclipApiUrl to a URL reachable from the cluster, e.g. http://paperclip.<namespace>.svc:3100.`,
  },
  working_directory_refused: {
    message: (p) =>
      `Working directory ${s(p.path)} cannot be mounted into the run pod: ${s(p.reason)}. Point the agent's workspace (or the adapter's cwd field) at a directory of this agent on the data volume, e.g. ${s(p.suggestion)}.`,
  },
  run_directories_failed: {
    message: (p) =>
      `Could not prepare ${s(p.what)} ${s(p.path)} on the shared volume: ${s(p.detail)}. Check that the data volume is mounted read-write on the Paperclip server.`,
  },
  prompt_write_failed: {
    message: (p) =>
      `Could not write the prompt to ${s(p.path)} on the shared volume: ${s(p.detail)}. Check that the data volume is mounted read-write on the Paperclip server.`,
  },
} satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** A failure as a value: the stable code, the rendered message, and structured details. */
export interface RunFailure {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string;
  readonly details: Readonly<Params>;
}

export function runFailure(errorCode: ErrorCode, details: Params = {}): RunFailure {
  const spec: ErrorSpec = ERROR_CATALOG[errorCode];
  const clean = printableParams(details);
  return { errorCode, errorMessage: spec.message(clean), details: clean };
}

/** Carries a RunFailure through code that can only throw (for example a port callback). */
export class RunFailureError extends Error {
  constructor(readonly failure: RunFailure) {
    super(failure.errorMessage);
    this.name = "RunFailureError";
  }
}

export type Result<T, F = RunFailure> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: F };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <F = RunFailure>(failure: F): Result<never, F> => ({ ok: false, failure });
