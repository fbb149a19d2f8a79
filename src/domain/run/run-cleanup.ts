/**
 * Leaves nothing behind: deletes the run's Job (its Secret and pod go with it through owner
 * references) and the run's directory on the shared volume, unless the operator asked to retain them.
 * Each step is independent, so a Job already gone (TTL, operator) never leaks the log files.
 *
 * The files go only once the pod has stopped (or the wait for it ran out): a pod still stopping
 * writes its trailer on its way out, which would otherwise survive the cleanup. An unlink refused
 * by a passing permission or I/O blip is retried a few times.
 *
 * The directory is emptied by name (the run's files and the trailer's temporary file) and then
 * removed only if empty: never a recursive delete, so nothing the pod planted there (a symlink, a
 * directory swapped for one) can steer a deletion outside it. What the pod left is reported.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import { FileSystemError, type FileSystemPort } from "../../ports/file-system-port.js";
import { backoffDelay } from "../cluster/backoff.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { describeApiError } from "../cluster/api-failure.js";
import type { Result } from "../errors.js";
import type { RunFilePaths } from "../run-log-paths.js";
import { TRAILER_TEMPORARY_SUFFIX } from "../job/run-script.js";
import { retryRunCall } from "./api-retry.js";
import type { KubernetesApiError } from "../../ports/kubernetes-port.js";
import type { RunJob } from "./run-phases.js";
import type { StatusSink } from "./status-sink.js";

export interface CleanupTarget {
  readonly namespace: string;
  readonly jobName: string | null;
  readonly files: RunFilePaths;
}

/** A file in a retained run's directory: the reconciler leaves that directory alone. */
export const RETAINED_MARKER = "retained";

/** Resolves true once the run's pod has stopped, false when the bounded wait for it ran out. */
export type PodStopped = () => Promise<boolean>;

/** Errors a shared volume can give for a moment (a permission change in flight, NFS). */
const TRANSIENT_UNLINK_CODES = new Set(["EACCES", "EIO", "ESTALE", "ETIMEDOUT", "EOTHER"]);
const UNLINK_ATTEMPTS = 4;
const UNLINK_BACKOFF = { initial: 200, max: 2_000 };

export interface CleanupResult {
  readonly retained: boolean;
  readonly problems: readonly string[];
}

export class RunCleanup {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly fileSystem: FileSystemPort,
    private readonly clock: ClockPort,
  ) {}

  /** Deletes the Job now (cancellation or cleanup); ok(false) when it was already gone. */
  deleteJob({ namespace, jobName }: RunJob, status: StatusSink): Promise<Result<boolean, KubernetesApiError>> {
    return retryRunCall(this.clock, () => this.kubernetes.deleteJob(namespace, jobName, "Background"), status);
  }

  async cleanUp(
    target: CleanupTarget,
    retain: boolean,
    status: StatusSink,
    podStopped?: PodStopped,
  ): Promise<CleanupResult> {
    if (retain) return { retained: true, problems: await this.markRetained(target.files) };
    const problems: string[] = [];
    if (target.jobName) {
      const deleted = await this.deleteJob({ namespace: target.namespace, jobName: target.jobName }, status);
      if (!deleted.ok)
        problems.push(`Job ${target.namespace}/${target.jobName} not deleted: ${describeApiError(deleted.failure)}`);
      else if (podStopped && !(await podStopped()))
        problems.push(
          `the pod of Job ${target.namespace}/${target.jobName} was still stopping when its files were removed`,
        );
    }
    const { files } = target;
    const trailerTemporary = `${files.trailer}${TRAILER_TEMPORARY_SUFFIX}`;
    for (const path of [files.stdout, files.stderr, files.trailer, trailerTemporary, files.prompt]) {
      const problem = await this.unlinkWithRetries(path, files.root);
      if (problem) problems.push(problem);
    }
    try {
      await this.fileSystem.removeDirectory(files.directory, { under: files.root });
    } catch (error) {
      problems.push(`run directory ${files.directory} not removed: ${(error as Error).message}`);
    }
    return { retained: false, problems };
  }

  private async markRetained(files: RunFilePaths): Promise<string[]> {
    try {
      await this.fileSystem.writeFileAtomic(`${files.directory}/${RETAINED_MARKER}`, "", 0o640, { under: files.root });
      return [];
    } catch (error) {
      return [`retained marker not written in ${files.directory}: ${(error as Error).message}`];
    }
  }

  /** Null once the file is gone; else why it stayed. Confined to the run-log root: a symlinked directory below it is refused, never followed. */
  private async unlinkWithRetries(path: string, root: string): Promise<string | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.fileSystem.unlink(path, { under: root });
        return null;
      } catch (error) {
        const code = error instanceof FileSystemError ? error.code : "EOTHER";
        if (attempt >= UNLINK_ATTEMPTS || !TRANSIENT_UNLINK_CODES.has(code))
          return `${path} not removed: ${(error as Error).message}`;
        await this.clock.sleep(backoffDelay(UNLINK_BACKOFF, attempt));
      }
    }
  }
}
