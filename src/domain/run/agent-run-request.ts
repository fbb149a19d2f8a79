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
  readonly companyId: string;
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
  /** Env layers built by the caller: Paperclip's run env, then context vars. */
  readonly env: {
    readonly paperclip: Readonly<Record<string, string>>;
    readonly context: Readonly<Record<string, string>>;
  };
  /** The run's API token; it only ever travels in the per-run Secret. */
  readonly authToken: string | null;
  readonly billingEnv: BillingEnvironment;
  /** The local runtime reaches Paperclip on loopback; a cluster pod never can. */
  readonly allowLoopbackApiUrl: boolean;
  /**
   * False for a caller whose agent never calls its API back: a run with no URL configured or
   * inherited then gets no `PAPERCLIP_API_URL` instead of being refused. Absent means required.
   */
  readonly requiresApiUrl?: boolean;
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
