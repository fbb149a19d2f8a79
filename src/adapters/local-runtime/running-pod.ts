/**
 * One pod's life on this machine, as a kubelet lives it: wait for a sandbox and the pod's volumes
 * (a missing Secret keeps it Pending and is retried), run the init containers in order, each to
 * completion, then the main containers in parallel; Succeeded only when every main container exits
 * 0. When a container's main process ends, whatever it left in its process group is killed (a
 * container's PID namespace dies with its PID 1). A pod a dead server had started is followed to
 * its end instead. The status rules are pod-status-board.ts's; starting a process, container-launch.ts's.
 */
import type { Container, Pod } from "../../ports/kubernetes-objects.js";
import { launchContainer, sandboxProgramDirectories, withSandboxSignal } from "./container-launch.js";
import { containerWorkingDirectory } from "./container-working-directory.js";
import { MountTable, mountProblems, type DataVolumeRule } from "./mount-table.js";
import { dataVolumeRule, type LocalPodRunnerOptions } from "./pod-runner-options.js";
import { PodSandbox } from "./pod-sandbox.js";
import {
  pendingPodStatus,
  PodStatusBoard,
  type ContainerKind,
  type PodEnding,
  type PodStatus,
  type PodStatusListener,
} from "./pod-status-board.js";
import { killGroupAndWait, sandboxedMainPid, signalGroup, signalProcess, type ProcessExit } from "./process-group.js";
import {
  awaitRecordedGroupEnd,
  discardUnfollowed,
  exitOfAdoptedContainer,
  isRecordedGroupRunning,
  recoveredMainStarted,
} from "./adopted-container.js";
import { currentBootId, identityOf } from "./process-identity.js";
import { PodWaits } from "./pod-waits.js";
import type { ContainerProcessRecord, PodRecord } from "./runtime-state-directory.js";
import { podIdentity, type PodIdentity } from "./sandbox-command.js";
import { isRoot } from "./sandbox-host.js";
import type { SecretLookup } from "./secret-data.js";

const allExitedZero = (exits: ReadonlyArray<ProcessExit | undefined>): PodEnding => ({
  phase: exits.every((exit) => exit?.exitCode === 0) ? "Succeeded" : "Failed",
});

export class RunningPod {
  /** Resolves with the final status once no container of the pod runs any more. */
  readonly done: Promise<PodStatus>;
  readonly sandboxDirectory: string;

  private readonly board: PodStatusBoard;
  private readonly waits: PodWaits;
  private readonly rule: DataVolumeRule;
  private readonly stopController = new AbortController();
  private readonly liveGroups = new Set<number>();
  /** Each started container's process, as recorded on disk for a runtime that takes over. */
  private readonly processes: Record<string, ContainerProcessRecord> = {};
  private killedBySigkill = false;
  private readonly sandboxed: boolean;
  private sandbox: PodSandbox | undefined;
  /** Each data-volume mount's local path, resolved; filled before the first container starts. */
  private resolvedMounts: ReadonlyMap<string, string> = new Map();

  constructor(
    private readonly pod: Pod,
    private readonly secretLookup: SecretLookup,
    onStatus: PodStatusListener,
    private readonly options: LocalPodRunnerOptions,
    private readonly recovered?: PodRecord,
  ) {
    this.rule = dataVolumeRule(options);
    this.sandboxed = options.unsandboxed !== true;
    const followed = recovered !== undefined && recoveredMainStarted(recovered);
    this.sandboxDirectory = followed ? recovered.sandboxDirectory : PodSandbox.pathFor(options.sandboxRoot, pod);
    const status = followed && pod.status ? structuredClone(pod.status) : pendingPodStatus(pod);
    this.board = new PodStatusBoard(status, onStatus);
    this.waits = new PodWaits(this.board, { signal: this.stopController.signal, retryMs: options.retryMs ?? 1000 });
    this.done = followed ? this.follow(recovered) : this.live();
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  /** The started containers' process groups and exit-status files (what a successor needs). */
  processRecords(): Readonly<Record<string, ContainerProcessRecord>> {
    return { ...this.processes };
  }

  /**
   * Stops the pod; no further container will start. As a container runtime does, a stop signal
   * (SIGTERM, ...) goes to each running container's main process only — a script that traps it
   * can still clean up — while SIGKILL goes to every process of every container.
   */
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    this.stopController.abort();
    if (signal === "SIGKILL") this.killedBySigkill = true;
    for (const pgid of this.liveGroups) {
      if (signal === "SIGKILL") signalGroup(pgid, signal);
      // In a sandbox the main process sits below bubblewrap, which would die without passing it on.
      else signalProcess((this.sandboxed ? sandboxedMainPid(pgid) : undefined) ?? pgid, signal);
    }
  }

  /** SIGTERM now, SIGKILL after the grace period; resolves with the final status. */
  async terminate(graceMs?: number): Promise<PodStatus> {
    const grace = graceMs ?? this.options.killGraceMs ?? (this.pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), grace);
    try {
      return await this.done;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Terminates the pod if needed and removes its sandbox (volumes, secret files, logs). */
  async dispose(graceMs?: number): Promise<void> {
    await this.terminate(graceMs);
    await this.sandbox?.remove();
  }

  // ---- the pod's life -----------------------------------------------------------------------

  /**
   * The pod's life; then its volumes are freed (nothing can use them once it has ended) before
   * the terminal phase is reported, so whoever sees the pod end also sees them gone.
   */
  private async live(): Promise<PodStatus> {
    if (this.recovered) await discardUnfollowed(this.recovered);
    const ending = await this.execute();
    await this.sandbox?.removeVolumes().catch(() => undefined);
    return this.board.finish(ending);
  }

  private async execute(): Promise<PodEnding> {
    this.board.publish();
    try {
      const problems = mountProblems(this.pod.spec, this.rule);
      if (problems.length > 0)
        return { phase: "Failed", reason: "LocalRuntimeUnsupported", message: problems.join("; ") };
      if (this.sandboxed && !(await this.waits.sandboxAvailable())) return { phase: "Failed" };
      const sandbox = await PodSandbox.create(this.options.sandboxRoot, this.pod);
      this.sandbox = sandbox;
      const { secretLookup, rule } = this;
      if (!(await this.waits.volumesReady(sandbox, this.pod, secretLookup, rule.dataClaimName)))
        return { phase: "Failed" };
      if (this.sandboxed && !(await this.prepareSandbox(sandbox))) return { phase: "Failed" };
      for (const [index, container] of (this.pod.spec.initContainers ?? []).entries()) {
        const exit = await this.runContainer(sandbox, container, "init", index);
        if (exit === undefined || exit.exitCode !== 0) return { phase: "Failed" };
      }
      const containers = this.pod.spec.containers;
      return allExitedZero(await Promise.all(containers.map((c, i) => this.runContainer(sandbox, c, "main", i))));
    } catch (error) {
      this.kill("SIGKILL");
      return {
        phase: "Failed",
        reason: "LocalRuntimeError",
        message: `local runtime failed to run the pod: ${String(error)}`,
      };
    }
  }

  /** Runs one container to its end; undefined when the pod was stopped before it started. */
  private async runContainer(
    sandbox: PodSandbox,
    container: Container,
    kind: ContainerKind,
    index: number,
  ): Promise<ProcessExit | undefined> {
    const mounts = MountTable.forContainer(
      container.volumeMounts ?? [],
      this.pod.spec,
      this.rule,
      sandbox.volumesDirectory,
    );
    // In a sandbox every mount is at its mount path: nothing is rewritten.
    const pathRewrite = this.sandboxed ? new MountTable([]) : mounts;
    const identity = this.identityOf(container);
    const baseEnv = {
      PATH: this.options.basePath ?? process.env.PATH ?? "/usr/bin:/bin",
      HOME: sandbox.homeDirectory,
      HOSTNAME: this.pod.metadata.name ?? "",
    };
    const env = await this.waits.environment(
      {
        ...{ pod: this.pod, container, secretLookup: this.secretLookup, baseEnv, mounts: pathRewrite },
        ...{ pathPrepend: this.options.pathPrepend ?? [], nodeName: this.options.nodeName ?? "local" },
      },
      kind,
      index,
    );
    if (env === undefined) return undefined;
    const cwd = await containerWorkingDirectory(container, mounts, sandbox, identity);
    const startedAt = new Date().toISOString();
    if (typeof cwd !== "string") return this.recordExit(kind, index, container, cwd, startedAt);
    if (this.stopping) return undefined;
    const { child, exitStatusFile } = launchContainer({
      ...{ pod: this.pod, container, sandbox, mounts, pathRewrite, env, cwd, identity },
      ...(this.sandboxed
        ? {
            sandboxed: {
              programs: sandboxProgramDirectories(
                this.options.pathPrepend ?? [],
                this.options.programDirectories ?? [],
              ),
              resolvedMounts: this.resolvedMounts,
              dieWithParent: this.options.dieWithParent === true,
            },
          }
        : {}),
    });
    if (child.pgid !== undefined) {
      this.liveGroups.add(child.pgid);
      const group = identityOf(child.pgid) ?? { pid: child.pgid, startTime: "", bootId: currentBootId() };
      this.processes[container.name] = { group, exitStatusFile };
    }
    this.board.running(kind, index, container.name, startedAt);
    const exit = withSandboxSignal(await child.exited, this.sandboxed);
    if (child.pgid !== undefined) {
      // The container's main process is gone: nothing it started may outlive it, and the
      // container only counts as terminated once its last process has really gone.
      await killGroupAndWait(child.pgid);
      this.liveGroups.delete(child.pgid);
    }
    return this.recordExit(kind, index, container, exit, startedAt);
  }

  private recordExit(
    kind: ContainerKind,
    index: number,
    container: Container,
    exit: ProcessExit,
    startedAt: string,
  ): ProcessExit {
    this.board.terminated(kind, index, container, exit, startedAt);
    return exit;
  }

  // ---- a pod taken over from a server that died ----------------------------------------------

  /** Follows the recovered pod's main containers to their end (an ended pod reports as it was). */
  private async follow(record: PodRecord): Promise<PodStatus> {
    const recordedPhase = this.board.phase;
    if (recordedPhase === "Succeeded" || recordedPhase === "Failed") return this.board.snapshot();
    const sandbox = PodSandbox.at(record.sandboxDirectory);
    this.sandbox = sandbox;
    Object.assign(this.processes, record.processes);
    const exits = await Promise.all(
      this.pod.spec.containers.map(async (container, index) => {
        const process = record.processes[container.name];
        if (process === undefined) return this.runContainer(sandbox, container, "main", index);
        return this.followContainer(container, index, process);
      }),
    );
    await sandbox.removeVolumes().catch(() => undefined);
    return this.board.finish(allExitedZero(exits));
  }

  private async followContainer(
    container: Container,
    index: number,
    process: ContainerProcessRecord,
  ): Promise<ProcessExit> {
    const startedAt = this.board.mainStartedAt(index) ?? new Date().toISOString();
    const pgid = process.group.pid;
    if (isRecordedGroupRunning(process)) {
      this.liveGroups.add(pgid);
      if (this.stopping) signalGroup(pgid, "SIGKILL");
      await awaitRecordedGroupEnd(process);
      this.liveGroups.delete(pgid);
    }
    const { reason, message, ...exit } = exitOfAdoptedContainer(process, this.killedBySigkill);
    this.board.terminated("main", index, container, exit, startedAt, reason, message);
    return exit;
  }

  // ---- the sandbox --------------------------------------------------------------------------

  /** The kubelet's volume setup for the sandbox; a problem keeps the pod waiting until deleted. */
  private async prepareSandbox(sandbox: PodSandbox): Promise<boolean> {
    const first = this.pod.spec.initContainers?.[0] ?? this.pod.spec.containers[0];
    const identity = first ? this.identityOf(first) : undefined;
    const resolved = await this.waits.hostVolumes({ pod: this.pod, rule: this.rule, sandbox, identity });
    if (resolved) this.resolvedMounts = resolved;
    return resolved !== undefined;
  }

  /** Who the container runs as: the spec's identity when the server is root and sandboxes it. */
  private identityOf(container: Container): PodIdentity | undefined {
    return this.sandboxed && isRoot() ? podIdentity(this.pod, container) : undefined;
  }
}
