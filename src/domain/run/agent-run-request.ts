/**
 * What one agent run needs, in the domain's own terms (no Paperclip types): the Paperclip edge
 * builds it from the host's context; other orchestrators build it themselves.
 */
import type { AdapterConfig } from "../config/config-fields.js";
import type { BillingEnvironment } from "../outcome/billing.js";
import type { RunOutcome } from "../outcome/classify-outcome.js";
import type { TailSummary } from "../tailer/log-tailer.js";

export interface AgentRunRequest {
  readonly runId: string;
  readonly agentId: string;
  /** Who the run belongs to (Paperclip's company): Jobs, files and credentials are kept apart by it. */
  readonly tenantId: string;
  /** The task (issue) this run works on, when any: part of the concurrency guard. */
  readonly taskId: string | null;
  readonly config: AdapterConfig;
  /** The complete prompt; delivered to the pod as a file on the shared volume. */
  readonly prompt: string;
  /** Where run logs live on the shared volume (config runLogRoot, else the instance default). */
  readonly runLogRoot: string;
  /** The pod's working directory. */
  readonly workingDirectory: string;
  /** The Claude session to resume, when the saved one is resumable here. */
  readonly resumeSessionId: string | null;
  /**
   * The id (a UUID) a fresh session starts with (`--session-id`), chosen by the caller, never by the
   * pod: the run reports only this session or the resumed one. Unused when resuming.
   */
  readonly freshSessionId: string;
  /** Instructions appended to the system prompt (fresh sessions only) and extra directories for claude. */
  readonly appendSystemPromptFile: string | null;
  readonly addDirs: readonly string[];
  /**
   * Env for claude from the caller, its own layers already merged; the server pod's inherited env
   * lies under it and `config.env` over it. Names the adapter sets itself are dropped (job-env.ts).
   */
  readonly env: Readonly<Record<string, string>>;
  /**
   * A token for the caller's API, which the agent gets under the agent API's key variable
   * (agent-api-env.ts) only through the run's own Secret.
   */
  readonly apiToken: string | null;
  /**
   * False for a caller whose agent never calls its API back: a run with no URL configured or
   * inherited then gets none instead of being refused.
   */
  readonly requiresApiUrl: boolean;
  /**
   * The caller's API as its own local agents reach it (Paperclip's loopback default), or null: the
   * last choice for the pod's URL, and only when the pod runs on this machine (allowLoopbackApiUrl).
   */
  readonly localApiUrl: string | null;
  readonly billingEnv: BillingEnvironment;
  /** The local runtime reaches the caller on loopback; a cluster pod never can. */
  readonly allowLoopbackApiUrl: boolean;
}

export type RunPhase =
  | "validated"
  | "job-created"
  | "reattached"
  | "pod-scheduled"
  | "pod-running"
  | "first-output"
  | "trailer-received"
  | "pod-terminated"
  | "cleaned-up";

/** How the run talks back to its caller while it runs. */
export interface RunObserver {
  /** One transcript line (stdout) or stderr line, with its newline. Awaited in order. */
  onLog(stream: "stdout" | "stderr", chunk: string): Promise<void>;
  /** A human-readable `[claude-k8s] …` line per phase and while the agent is silent. */
  onStatus(line: string, phase?: RunPhase): Promise<void>;
  /** The Job exists (or was adopted): what is running where, for the caller's invocation record. */
  onLaunched?(launch: RunLaunch): Promise<void>;
}

export interface RunLaunch {
  readonly namespace: string;
  readonly jobName: string;
  readonly reattachedFromRunId: string | null;
  /** claude's argv as the pod runs it (no secrets in it by construction). */
  readonly command: readonly string[];
  readonly image: string | null;
  readonly promptBytes: number;
}

export interface RunReport {
  readonly outcome: RunOutcome;
  readonly namespace: string | null;
  readonly jobName: string | null;
  readonly reattachedFromRunId: string | null;
  readonly tail: TailSummary | null;
  /** What cleanup left behind on purpose (retainJobs) or could not remove. */
  readonly cleanup: { readonly retained: boolean; readonly problems: readonly string[] };
}
