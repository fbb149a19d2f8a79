/**
 * Leaves nothing behind: deletes the run's Job (its Secret and pod go with it through owner
 * references) and the run's directory on the shared volume, unless the operator asked to retain them.
 * Each step is independent, so a Job already gone (TTL, operator) never leaks the log files.
 *
 * The directory is emptied by name (the run's files and the trailer's temporary file) and then
 * removed only if empty: never a recursive delete, so nothing the pod planted there (a symlink, a
 * directory swapped for one) can steer a deletion outside it. What the pod left is reported.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { FileSystemPort } from "../../ports/file-system-port.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { describeApiError } from "../cluster/api-failure.js";
import type { Result } from "../errors.js";
import type { RunFilePaths } from "../run-log-paths.js";
import { TRAILER_TEMPORARY_SUFFIX } from "../job/run-script.js";
import { retryRunCall } from "./api-retry.js";
import type { KubernetesApiError } from "../../ports/kubernetes-port.js";

export interface CleanupTarget {
  readonly namespace: string;
  readonly jobName: string | null;
  readonly files: RunFilePaths;
}

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
  deleteJob(
    namespace: string,
    jobName: string,
    log: (line: string) => void,
  ): Promise<Result<boolean, KubernetesApiError>> {
    return retryRunCall(this.clock, () => this.kubernetes.deleteJob(namespace, jobName, "Background"), log);
  }

  async cleanUp(target: CleanupTarget, retain: boolean, log: (line: string) => void): Promise<CleanupResult> {
    if (retain) return { retained: true, problems: [] };
    const problems: string[] = [];
    if (target.jobName) {
      const deleted = await this.deleteJob(target.namespace, target.jobName, log);
      if (!deleted.ok)
        problems.push(`Job ${target.namespace}/${target.jobName} not deleted: ${describeApiError(deleted.failure)}`);
    }
    const { files } = target;
    const trailerTemporary = `${files.trailer}${TRAILER_TEMPORARY_SUFFIX}`;
    for (const path of [files.stdout, files.stderr, files.trailer, trailerTemporary, files.prompt]) {
      try {
        // Confined to the run-log root: a symlinked directory below it is refused, never followed.
        await this.fileSystem.unlink(path, { under: target.files.root });
      } catch (error) {
        problems.push(`${path} not removed: ${(error as Error).message}`);
      }
    }
    try {
      await this.fileSystem.removeDirectory(files.directory, { under: files.root });
    } catch (error) {
      problems.push(`run directory ${files.directory} not removed: ${(error as Error).message}`);
    }
    return { retained: false, problems };
  }
}
