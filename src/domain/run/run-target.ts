/**
 * What a run acts on as it learns it: the namespace, the Job (built, created or adopted) and the
 * files on the shared volume. Cleanup and cancellation read it, so they always act on THIS run's
 * Job and files — including an adopted orphan's own paths.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { RunFailure } from "../errors.js";
import type { RunManifests } from "../job/job-manifest-factory.js";
import type { RunFilePaths } from "../run-log-paths.js";
import type { AgentRunRequest, RunLaunch } from "./agent-run-request.js";
import type { CleanupTarget } from "./run-cleanup.js";

/** The operator's cancel: acknowledged once the Job's deletion was accepted, else the API failure. */
export type CancelResult =
  { readonly acknowledgedAt: string; readonly forced: boolean } | { readonly failure: RunFailure };

export class RunTarget {
  jobName: string | null = null;
  reattachedFromRunId: string | null = null;
  private adoptedSessionId: string | null = null;
  private manifests: RunManifests | null = null;
  private files: RunFilePaths;
  private stopCancelListener: () => void = () => undefined;

  constructor(
    readonly namespace: string,
    paths: RunFilePaths,
  ) {
    this.files = paths;
  }

  /** The run's directory and files (an adopted orphan's own, once adopted). */
  get paths(): RunFilePaths {
    return this.files;
  }

  planned(manifests: RunManifests): void {
    this.manifests = manifests;
  }

  launched(jobName: string): void {
    this.jobName = jobName;
  }

  adopt(jobName: string, files: RunFilePaths, fromRunId: string, sessionId: string | null): void {
    this.jobName = jobName;
    this.files = files;
    this.reattachedFromRunId = fromRunId;
    this.adoptedSessionId = sessionId;
  }

  /** The one session this run may report: the adopted Job's, else the resumed one, else the server-chosen fresh id. */
  sessionId(request: Pick<AgentRunRequest, "resumeSessionId" | "freshSessionId">): string | null {
    if (this.reattachedFromRunId !== null) return this.adoptedSessionId ?? request.resumeSessionId;
    return request.resumeSessionId ?? request.freshSessionId;
  }

  launchInfo(promptBytes: number): RunLaunch {
    const container = this.manifests?.job.spec.template.spec.containers[0];
    return {
      namespace: this.namespace,
      jobName: this.jobName ?? "",
      reattachedFromRunId: this.reattachedFromRunId,
      command: this.manifests?.command ?? [],
      image: container?.image ?? null,
      promptBytes: this.reattachedFromRunId ? 0 : promptBytes,
    };
  }

  cleanupTarget(): CleanupTarget {
    return { namespace: this.namespace, jobName: this.jobName, files: this.files };
  }

  /** A cancel that arrived before anything was created: nothing to stop, so it is acknowledged at once. */
  acknowledgeNow(clock: ClockPort): CancelResult {
    return { acknowledgedAt: new Date(clock.now()).toISOString(), forced: false };
  }

  /**
   * On the operator's cancel, deletes the Job at once (when there is one) and resolves with the
   * acknowledgement once the delete was accepted or the Job was already gone.
   */
  watchCancellation(
    signal: AbortSignal,
    clock: ClockPort,
    deleteJob: () => Promise<RunFailure | null>,
  ): Promise<CancelResult> {
    return new Promise((resolve) => {
      const onAbort = async () => {
        const failure = this.jobName ? await deleteJob() : null;
        resolve(failure ? { failure } : this.acknowledgeNow(clock));
      };
      if (signal.aborted) return void onAbort();
      const listener = () => void onAbort();
      signal.addEventListener("abort", listener, { once: true });
      this.stopCancelListener = () => signal.removeEventListener("abort", listener);
    });
  }

  /** The run has ended: a cancel arriving now has nothing of this run's to act on. */
  stopWatchingCancellation(): void {
    this.stopCancelListener();
    this.stopCancelListener = () => undefined;
  }
}
