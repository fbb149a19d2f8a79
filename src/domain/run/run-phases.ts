/**
 * What a run knows after each phase. Each phase returns the next type, so what is known is in the
 * type: after the claim there IS a Job name, and every later step acts on THIS run's Job and files
 * (an adopted orphan's own files included).
 */
import type { Pod } from "../../ports/kubernetes-objects.js";
import type { RunFailure } from "../errors.js";
import type { RunFilePaths } from "../run-log-paths.js";
import type { SafeRunIds } from "../safe-id.js";
import type { RunLaunch } from "./agent-run-request.js";
import type { StatusSink } from "./status-sink.js";

/** What every collaborator acting for one run is handed with the phase's value: its status sink and its cancel signal. */
export interface RunScope {
  readonly status: StatusSink;
  readonly signal: AbortSignal;
}

/** Passed every refusal that needs no I/O: checked ids, the run's files, the prompt's size. */
export interface PreparedRun {
  readonly ids: SafeRunIds;
  readonly paths: RunFilePaths;
  readonly promptBytes: number;
}

/** Where the run's Job goes: the namespace, and the server pod it inherits image, volumes and env from. */
export interface PlacedRun extends PreparedRun {
  readonly namespace: string;
  readonly serverPod: Pod;
}

/** A run's Job, by namespace and name. */
export interface RunJob {
  readonly namespace: string;
  readonly jobName: string;
}

/** The Job this run follows: its own, just launched, or an orphan it adopted. */
export interface ClaimedRun extends RunJob {
  /** The files that Job writes: this run's own, or the adopted orphan's. */
  readonly paths: RunFilePaths;
  /** The run whose Job was adopted; null for a Job this run launched. */
  readonly reattachedFromRunId: string | null;
  /** The one session this run may report: the adopted Job's, else the resumed one, else the server-chosen fresh id. */
  readonly sessionId: string | null;
  /** What runs where, for the caller's invocation record. */
  readonly launch: RunLaunch;
}

/** What claiming a Job for the run came to. */
export type Claim =
  /** `release` frees the Job for other runs to see once this run has ended. */
  | { readonly kind: "claimed"; readonly run: ClaimedRun; readonly release: () => void }
  | { readonly kind: "cancelled" }
  /** Refused before anything of this run was created. */
  | { readonly kind: "refused"; readonly failure: RunFailure }
  /** Failed while launching: the run's files are still cleaned up. */
  | { readonly kind: "failed"; readonly failure: RunFailure };
