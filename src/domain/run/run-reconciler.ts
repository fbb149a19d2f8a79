/**
 * Sweeps what runs left behind when their server died: on its first look and then periodically,
 * it finds the adapter's Jobs that never started (suspended) or finished, and run directories on
 * the volume, that no live run holds and no present Job owns, and removes them once they have been
 * seen unclaimed for a whole grace period (a launch in progress, or another server's adoption, has
 * that long to claim them). Bounded per sweep, every removal logged. Directories are found by
 * listing below the run-log root only, each path rebuilt from validated ids with `runFilePaths`,
 * and removed through RunCleanup's by-name, confined unlinks (never recursive, no link followed).
 * Runs kept with retainJobs (their directory holds the retained marker) are left alone.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { FileSystemPort } from "../../ports/file-system-port.js";
import type { Job } from "../../ports/kubernetes-objects.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { describeApiError } from "../cluster/api-failure.js";
import { phaseLine } from "../cluster/phase-line.js";
import { finishedCondition, storedName } from "../cluster/run-objects.js";
import { ANNOTATION_KEYS, MANAGED_BY_SELECTOR, validatedRunId } from "../job/job-labels.js";
import { runFilePaths } from "../run-log-paths.js";
import { isSafeId } from "../safe-id.js";
import { retryRunCall } from "./api-retry.js";
import type { LiveRuns } from "./live-runs.js";
import { RETAINED_MARKER, type RunCleanup } from "./run-cleanup.js";

export interface ReconcilerOptions {
  /** How long a Job or directory must be seen unclaimed before it is removed. */
  readonly graceMs: number;
  /** Pause between sweeps. */
  readonly periodMs: number;
  /** At most this many removals per sweep (the rest wait for the next). */
  readonly maxRemovalsPerSweep: number;
  /** Hears one `[claude-k8s] reconciler: …` line per removal and per problem. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  graceMs: 10 * 60_000,
  periodMs: 2 * 60_000,
  maxRemovalsPerSweep: 100,
};

export interface SweepReport {
  readonly jobsDeleted: readonly string[];
  readonly directoriesRemoved: readonly string[];
  readonly problems: readonly string[];
}

export class RunReconciler {
  /** First time each Job or directory was seen unclaimed (monotonic ms). */
  private readonly unclaimedSince = new Map<string, number>();
  private readonly sweeping = new Map<string, AbortController>();

  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly fileSystem: FileSystemPort,
    private readonly clock: ClockPort,
    private readonly liveRuns: LiveRuns,
    private readonly cleanup: RunCleanup,
    private readonly options: ReconcilerOptions = DEFAULT_RECONCILER_OPTIONS,
  ) {
    this.log = options.log ?? (() => undefined);
  }

  private readonly log: (line: string) => void;

  /** Starts sweeping this namespace and run-log root (once; at once, then every period). */
  keepSweeping(namespace: string, runLogRoot: string): void {
    const key = `${namespace}\n${runLogRoot}`;
    if (this.sweeping.has(key)) return;
    const stop = new AbortController();
    this.sweeping.set(key, stop);
    void (async () => {
      while (!stop.signal.aborted) {
        await this.sweep(namespace, runLogRoot).catch((error: unknown) =>
          this.log(phaseLine(`reconciler: ${String(error)}`)),
        );
        if ((await this.clock.sleep(this.options.periodMs, stop.signal)) === "aborted") return;
      }
    })();
  }

  stop(): void {
    for (const stop of this.sweeping.values()) stop.abort();
    this.sweeping.clear();
  }

  async sweep(namespace: string, runLogRoot: string): Promise<SweepReport> {
    const report = { jobsDeleted: [] as string[], directoriesRemoved: [] as string[], problems: [] as string[] };
    const listed = await retryRunCall(
      this.clock,
      () => this.kubernetes.listJobs(namespace, MANAGED_BY_SELECTOR),
      this.log,
    );
    // Without the list nothing is known to be unclaimed: fail closed, and say so.
    if (!listed.ok) {
      const problem = `listing Jobs failed: ${describeApiError(listed.failure)}`;
      this.log(phaseLine(`reconciler: ${problem}`));
      return { ...report, problems: [problem] };
    }
    const seen = new Set<string>();
    let budget = this.options.maxRemovalsPerSweep;
    for (const job of listed.value) {
      const name = storedName(job);
      if (this.liveRuns.holds(namespace, name) || !isSweepable(job)) continue;
      const key = `job ${namespace}/${name}`;
      seen.add(key);
      if (!this.graceOver(key) || budget <= 0) continue;
      budget--;
      const deleted = await retryRunCall(
        this.clock,
        () => this.kubernetes.deleteJob(namespace, name, "Background"),
        this.log,
      );
      if (deleted.ok) report.jobsDeleted.push(name);
      else report.problems.push(`Job ${namespace}/${name} not deleted: ${describeApiError(deleted.failure)}`);
    }
    const claimedRuns = new Set(listed.value.map(validatedRunId).filter((id) => id !== null));
    await this.sweepDirectories(runLogRoot, claimedRuns, seen, budget, report);
    // Forget what is gone or claimed again, so a later orphan starts its own grace period.
    for (const key of [...this.unclaimedSince.keys()]) if (!seen.has(key)) this.unclaimedSince.delete(key);
    for (const name of report.jobsDeleted) this.log(phaseLine(`reconciler: deleted orphaned Job ${namespace}/${name}`));
    for (const directory of report.directoriesRemoved)
      this.log(phaseLine(`reconciler: removed orphaned run directory ${directory}`));
    for (const problem of report.problems) this.log(phaseLine(`reconciler: ${problem}`));
    return report;
  }

  private async sweepDirectories(
    root: string,
    claimedRuns: ReadonlySet<string>,
    seen: Set<string>,
    budget: number,
    report: { directoriesRemoved: string[]; problems: string[] },
  ): Promise<number> {
    const list = this.fileSystem.listDirectory?.bind(this.fileSystem);
    if (!list) return budget;
    const scope = { under: root };
    const below = async (path: string) => ((await list(path, scope).catch(() => null)) ?? []).filter(isSafeId);
    for (const tenantId of await below(root)) {
      for (const agentId of await below(`${root}/${tenantId}`)) {
        for (const runId of await below(`${root}/${tenantId}/${agentId}`)) {
          if (claimedRuns.has(runId) || this.liveRuns.holdsRun(runId)) continue;
          const files = runFilePaths(root, { tenantId, agentId, runId });
          // Not a directory we can list (someone else's file, refused): not a run's.
          const names = await list(files.directory, scope).catch(() => null);
          if (names === null || names.includes(RETAINED_MARKER)) continue;
          const key = `directory ${files.directory}`;
          seen.add(key);
          if (!this.graceOver(key) || budget <= 0) continue;
          budget--;
          const cleaned = await this.cleanup.cleanUp({ namespace: "", jobName: null, files }, false, this.log);
          if (cleaned.problems.length === 0) report.directoriesRemoved.push(files.directory);
          else report.problems.push(...cleaned.problems);
        }
      }
    }
    return budget;
  }

  private graceOver(key: string): boolean {
    const now = this.clock.monotonicMs();
    const since = this.unclaimedSince.get(key);
    if (since === undefined) {
      this.unclaimedSince.set(key, now);
      return this.options.graceMs <= 0;
    }
    return now - since >= this.options.graceMs;
  }
}

/** Jobs no adoption would follow: never started (suspended), or finished without retainJobs. */
function isSweepable(job: Job): boolean {
  if (job.metadata.deletionTimestamp) return false;
  if (job.spec.suspend === true) return true;
  return !!finishedCondition(job) && job.metadata.annotations?.[ANNOTATION_KEYS.retained] !== "true";
}
