/**
 * The local "kubelet": runs ONE pod's containers as local processes and reports its status the
 * way a kubelet does. It depends only on the Pod, a Secret lookup and a status callback — no
 * store, no Job — so the loopback Kubernetes API test server can use it as its kubelet too.
 *
 * Faithful to a cluster: init containers run in order, each to completion, then the main
 * containers (in parallel); `$(VAR)` expansion of env/command/args; secretKeyRef/envFrom/fieldRef;
 * a missing Secret keeps the pod Pending (CreateContainerConfigError / ContainerCreating) and is
 * retried; restartPolicy Never; phase Succeeded only when every main container exits 0; when a
 * container's main process ends, whatever it left running in its process group is killed (a
 * container's PID namespace dies with its PID 1); deletion sends SIGTERM to each container's main
 * process, then SIGKILL to all their processes after the grace period. `terminated.exitCode` is the exit code, or 128 + n with
 * `signal: n` when the process was killed by signal n; reason "Completed" or "Error" (never
 * "OOMKilled": no memory limits are enforced).
 *
 * Each container runs in a bubblewrap sandbox (sandbox-command.ts) that shows it only the system
 * directories, the programs' install directories and exactly its volume mounts, at their mount
 * paths, read-only where the mount says so. When the server is root, the containers run as the
 * spec's runAsUser/runAsGroup with fsGroup applied to their volumes (fs-group-ownership.ts);
 * as another user they keep that user's uid. Where no sandbox can be made the containers wait
 * with CreateContainerError saying how to get one, unless the runtime was told `unsandboxed`
 * (then they are plain processes that see the whole machine, and mount paths are rewritten
 * as mount-table.ts describes).
 *
 * Deliberately NOT faithful (it runs on the host): the image is ignored (the host's /usr is the
 * image); resource limits are not enforced; the network is the host's.
 */
import { chown, mkdir, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import type { Container, ContainerStatus, Pod } from "../../ports/kubernetes-objects.js";
import { claudeStandInBinDirectory } from "../../stand-in/stand-in-location.js";
import { buildContainerEnvironment } from "./container-environment.js";
import { MountTable, mountProblems, type DataVolumeRule, type MountMapping } from "./mount-table.js";
import { PodSandbox } from "./pod-sandbox.js";
import { containerBinds, preparePodVolumes, programDirectories } from "./pod-sandbox-plan.js";
import {
  sandboxedMainPid,
  signalGroup,
  signalProcess,
  spawnInNewGroup,
  waitForGroupGone,
  type ProcessExit,
} from "./process-group.js";
import { awaitRecordedGroupEnd, exitOfAdoptedContainer, isRecordedGroupRunning } from "./adopted-container.js";
import { currentBootId, identityOf } from "./process-identity.js";
import type { ContainerProcessRecord, PodRecord } from "./runtime-state-directory.js";
import { podIdentity, sandboxedArgv, signalOfSandboxExit, type PodIdentity } from "./sandbox-command.js";
import { isRoot, sandboxAvailability, systemEntries } from "./sandbox-host.js";
import type { SecretLookup } from "./secret-data.js";
import { expandKubernetesReferences } from "./variable-expansion.js";

export type PodStatus = NonNullable<Pod["status"]>;
export type PodStatusListener = (status: PodStatus) => void;

export const DEFAULT_DATA_CLAIM_NAME = "paperclip-data";
/** Bound on waiting for killed leftovers to be reaped (a host whose PID 1 never reaps would hang us). */
const GROUP_EXIT_WAIT_MS = 5000;

export interface LocalPodRunnerOptions {
  /** Directory under which each pod gets its sandbox (see pod-sandbox.ts). */
  readonly sandboxRoot: string;
  /** Absolute local path of the data volume (the PVC). */
  readonly dataDirectory: string;
  /** The PVC claim name that means "the data volume". Default "paperclip-data". */
  readonly dataClaimName?: string;
  /** Directories put first on every container's PATH (e.g. the Claude stand-in's bin). */
  readonly pathPrepend?: readonly string[];
  /** PATH the containers start from. Default: this process's PATH. */
  readonly basePath?: string;
  /** SIGTERM → SIGKILL grace; default the pod's terminationGracePeriodSeconds (30 s). */
  readonly killGraceMs?: number;
  /** How often a pod waiting for a missing Secret retries. Default 1000 ms. */
  readonly retryMs?: number;
  /** spec.nodeName / fieldRef value. Default "local". */
  readonly nodeName?: string;
  /**
   * Further host directories every container sees read-only (programs it runs). node's prefix,
   * the pathPrepend directories and the Claude stand-in's directory are always there.
   */
  readonly programDirectories?: readonly string[];
  /**
   * Runs containers as plain processes without the bubblewrap sandbox: they see the whole
   * machine as this user. Only for a machine no one else uses and that has no bubblewrap.
   */
  readonly unsandboxed?: boolean;
  /**
   * The pods die with the process that started them (bubblewrap's --die-with-parent): for a
   * kubelet inside a test process, whose death must not leave pods behind. The local runtime's
   * pods outlive their server instead, as a cluster's do.
   */
  readonly dieWithParent?: boolean;
}

type ContainerKind = "init" | "main";
interface PodEnding {
  readonly phase: "Succeeded" | "Failed";
  readonly reason?: string;
  readonly message?: string;
}
type Readiness<T> = { readonly ready: true; readonly value: T } | { readonly ready: false; readonly message: string };

const dataVolumeRule = (options: LocalPodRunnerOptions): DataVolumeRule => ({
  dataDirectory: options.dataDirectory,
  dataClaimName: options.dataClaimName ?? DEFAULT_DATA_CLAIM_NAME,
});

const waiting = (name: string, reason: string, message?: string): ContainerStatus => ({
  name,
  ready: false,
  restartCount: 0,
  image: "local",
  state: { waiting: { reason, ...(message ? { message } : {}) } },
});

export class LocalPodRunner {
  constructor(private readonly options: LocalPodRunnerOptions) {}

  /** Starts the pod now; its status is reported through `onStatus` until `done` resolves. */
  run(pod: Pod, secretLookup: SecretLookup, onStatus: PodStatusListener): RunningPod {
    return new RunningPod(structuredClone(pod), secretLookup, onStatus, this.options);
  }

  /**
   * Takes over a pod a server that died had started: containers still running are followed to
   * their end; a pod whose main containers had not started yet starts over; an ended pod stays.
   */
  adopt(record: PodRecord, secretLookup: SecretLookup, onStatus: PodStatusListener): RunningPod {
    return new RunningPod(structuredClone(record.pod), secretLookup, onStatus, this.options, record);
  }

  /**
   * The loopback API server's kubelet contract: start the pod; `kill()` terminates it (SIGTERM,
   * grace, SIGKILL) and removes its sandbox.
   */
  start(
    pod: Pod,
    secretLookup: SecretLookup,
    report: PodStatusListener,
  ): { kill(): Promise<void>; readonly running: RunningPod } {
    const running = this.run(pod, secretLookup, report);
    return { running, kill: () => running.dispose() };
  }

  /** Where each container's mounts are on this machine, per container name. */
  mountMappings(pod: Pod): Record<string, readonly MountMapping[]> {
    return mountMappingsOf(
      pod,
      dataVolumeRule(this.options),
      `${PodSandbox.pathFor(this.options.sandboxRoot, pod)}/volumes`,
    );
  }
}

function mountMappingsOf(
  pod: Pod,
  rule: DataVolumeRule,
  volumesDirectory: string,
): Record<string, readonly MountMapping[]> {
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  return Object.fromEntries(
    containers.map((c) => [
      c.name,
      MountTable.forContainer(c.volumeMounts ?? [], pod.spec, rule, volumesDirectory).mappings,
    ]),
  );
}

export class RunningPod {
  /** Resolves with the final status once no container of the pod runs any more. */
  readonly done: Promise<PodStatus>;
  readonly sandboxDirectory: string;

  private readonly status: PodStatus;
  private readonly rule: DataVolumeRule;
  private readonly stopController = new AbortController();
  private readonly liveGroups = new Set<number>();
  private readonly allGroups: number[] = [];
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
    private readonly onStatus: PodStatusListener,
    private readonly options: LocalPodRunnerOptions,
    private readonly recovered?: PodRecord,
  ) {
    this.rule = dataVolumeRule(options);
    this.sandboxed = options.unsandboxed !== true;
    const followed = recovered !== undefined && recoveredMainStarted(recovered);
    this.sandboxDirectory = followed ? recovered.sandboxDirectory : PodSandbox.pathFor(options.sandboxRoot, pod);
    this.status =
      followed && pod.status
        ? structuredClone(pod.status)
        : {
            phase: "Pending",
            conditions: [{ type: "PodScheduled", status: "True" }],
            ...(pod.spec.initContainers?.length
              ? { initContainerStatuses: pod.spec.initContainers.map((c) => waiting(c.name, "PodInitializing")) }
              : {}),
            containerStatuses: pod.spec.containers.map((c) =>
              waiting(c.name, pod.spec.initContainers?.length ? "PodInitializing" : "ContainerCreating"),
            ),
          };
    this.done = followed ? this.follow(recovered) : this.live();
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  /** Every process group this pod has started (one per container), for checks that none is left. */
  processGroupIds(): readonly number[] {
    return [...this.allGroups];
  }

  /** The started containers' process groups and exit-status files (what a successor needs). */
  processRecords(): Readonly<Record<string, ContainerProcessRecord>> {
    return { ...this.processes };
  }

  /** Where each container's volumes are on this machine (the pod annotation shows the same). */
  mountMappings(): Record<string, readonly MountMapping[]> {
    return mountMappingsOf(this.pod, this.rule, `${this.sandboxDirectory}/volumes`);
  }

  logPath(containerName: string): string {
    return `${this.sandboxDirectory}/logs/${containerName}.log`;
  }

  /** The container's stdout+stderr so far: this runtime's `kubectl logs`. */
  async readLog(containerName: string): Promise<string> {
    return this.sandbox ? this.sandbox.readLog(containerName) : "";
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
    return this.finish(ending);
  }

  private async execute(): Promise<PodEnding> {
    this.publish();
    try {
      const problems = mountProblems(this.pod.spec, this.rule);
      if (problems.length > 0)
        return { phase: "Failed", reason: "LocalRuntimeUnsupported", message: problems.join("; ") };
      if (this.sandboxed && !(await this.awaitSandboxAvailable())) return { phase: "Failed" };
      const sandbox = await PodSandbox.create(this.options.sandboxRoot, this.pod);
      this.sandbox = sandbox;
      const volumesReady = await this.retryUntilReady(
        async (): Promise<Readiness<true>> => {
          const problem = await sandbox.prepareVolumes(
            this.pod.spec.volumes ?? [],
            this.secretLookup,
            this.rule.dataClaimName,
          );
          return problem === undefined ? { ready: true, value: true } : { ready: false, message: problem };
        },
        (message) => this.setWaiting("ContainerCreating", message),
      );
      if (!volumesReady) return { phase: "Failed" };
      if (this.sandboxed && !(await this.prepareSandbox(sandbox))) return { phase: "Failed" };
      for (const [index, container] of (this.pod.spec.initContainers ?? []).entries()) {
        const exit = await this.runContainer(sandbox, container, "init", index);
        if (exit === undefined || exit.exitCode !== 0) return { phase: "Failed" };
      }
      const exits = await Promise.all(
        this.pod.spec.containers.map((c, index) => this.runContainer(sandbox, c, "main", index)),
      );
      return { phase: exits.every((exit) => exit?.exitCode === 0) ? "Succeeded" : "Failed" };
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
    const env = await this.retryUntilReady(
      async (): Promise<Readiness<Record<string, string>>> => {
        const result = buildContainerEnvironment({
          pod: this.pod,
          container,
          secretLookup: this.secretLookup,
          baseEnv: {
            PATH: this.options.basePath ?? process.env.PATH ?? "/usr/bin:/bin",
            HOME: sandbox.homeDirectory,
            HOSTNAME: this.pod.metadata.name ?? "",
          },
          pathPrepend: this.options.pathPrepend ?? [],
          mounts: pathRewrite,
          nodeName: this.options.nodeName ?? "local",
        });
        return result.ok ? { ready: true, value: result.env } : { ready: false, message: result.message };
      },
      (message) => this.setContainer(kind, index, waiting(container.name, "CreateContainerConfigError", message)),
    );
    if (env === undefined) return undefined;
    const cwd = await this.workingDirectory(container, mounts, sandbox, identity);
    const startedAt = new Date().toISOString();
    if (typeof cwd !== "string") return this.recordExit(container, kind, index, cwd, startedAt);
    if (this.stopping) return undefined;
    const command = [...(container.command ?? []), ...(container.args ?? [])].map((part) =>
      pathRewrite.translate(expandKubernetesReferences(part, (name) => env[name])),
    );
    const argv = this.sandboxed
      ? sandboxedArgv(
          {
            system: systemEntries(),
            binds: containerBinds({
              pod: this.pod,
              container,
              mounts,
              sandbox,
              programs: this.programDirectories(),
              resolved: this.resolvedMounts,
            }),
            cwd: container.workingDir ?? cwd,
            hostname: this.pod.metadata.name ?? "",
            identity,
            dieWithParent: this.options.dieWithParent === true,
          },
          command,
        )
      : command;
    const exitStatusFile = sandbox.exitStatusPath(container.name);
    const child = spawnInNewGroup({
      argv,
      cwd: this.sandboxed ? sandbox.workDirectory : cwd,
      env,
      logPath: sandbox.logPath(container.name),
      ...(this.sandboxed ? { exitStatusPath: exitStatusFile } : {}),
    });
    if (child.pgid !== undefined) {
      this.liveGroups.add(child.pgid);
      this.allGroups.push(child.pgid);
      const group = identityOf(child.pgid) ?? { pid: child.pgid, startTime: "", bootId: currentBootId() };
      this.processes[container.name] = { group, exitStatusFile };
    }
    if (kind === "main") this.status.phase = "Running";
    this.setContainer(kind, index, {
      name: container.name,
      ready: kind === "main",
      restartCount: 0,
      image: "local",
      state: { running: { startedAt } },
    });
    const exit = this.withSandboxSignal(await child.exited);
    if (child.pgid !== undefined) {
      // The container's main process is gone: nothing it started may outlive it, and the
      // container only counts as terminated once its last process has really gone.
      signalGroup(child.pgid, "SIGKILL");
      await waitForGroupGone(child.pgid, GROUP_EXIT_WAIT_MS);
      this.liveGroups.delete(child.pgid);
    }
    return this.recordExit(container, kind, index, exit, startedAt);
  }

  // ---- a pod taken over from a server that died ----------------------------------------------

  /** Follows the recovered pod's main containers to their end (an ended pod reports as it was). */
  private async follow(record: PodRecord): Promise<PodStatus> {
    const recordedPhase = this.status.phase;
    if (recordedPhase === "Succeeded" || recordedPhase === "Failed") return structuredClone(this.status);
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
    return this.finish({ phase: exits.every((exit) => exit?.exitCode === 0) ? "Succeeded" : "Failed" });
  }

  private async followContainer(
    container: Container,
    index: number,
    process: ContainerProcessRecord,
  ): Promise<ProcessExit> {
    const startedAt = this.status.containerStatuses?.[index]?.state?.running?.startedAt ?? new Date().toISOString();
    const pgid = process.group.pid;
    if (isRecordedGroupRunning(process)) {
      this.liveGroups.add(pgid);
      this.allGroups.push(pgid);
      if (this.stopping) signalGroup(pgid, "SIGKILL");
      await awaitRecordedGroupEnd(process);
      this.liveGroups.delete(pgid);
    }
    const { reason, message, ...exit } = exitOfAdoptedContainer(process, this.killedBySigkill);
    this.recordExit(container, "main", index, exit, startedAt, reason, message);
    return exit;
  }

  // ---- the sandbox --------------------------------------------------------------------------

  /** Waits (CreateContainerError, saying how to get one) while no sandbox can be made here. */
  private async awaitSandboxAvailable(): Promise<boolean> {
    const ready = await this.retryUntilReady(
      async (): Promise<Readiness<true>> => {
        const availability = await sandboxAvailability();
        return availability.available ? { ready: true, value: true } : { ready: false, message: availability.reason };
      },
      (message) => this.setWaiting("CreateContainerError", message),
    );
    return ready === true;
  }

  /** The kubelet's volume setup for the sandbox; a problem keeps the pod waiting until deleted. */
  private async prepareSandbox(sandbox: PodSandbox): Promise<boolean> {
    const first = this.pod.spec.initContainers?.[0] ?? this.pod.spec.containers[0];
    const prepared = await preparePodVolumes({
      pod: this.pod,
      rule: this.rule,
      sandbox,
      identity: first ? this.identityOf(first) : undefined,
    });
    if (prepared.ok) {
      this.resolvedMounts = prepared.resolved;
      return true;
    }
    await this.retryUntilReady(
      async (): Promise<Readiness<true>> => ({ ready: false, message: prepared.message }),
      (message) => this.setWaiting("CreateContainerConfigError", message),
    );
    return false;
  }

  /** Who the container runs as: the spec's identity when the server is root and sandboxes it. */
  private identityOf(container: Container): PodIdentity | undefined {
    return this.sandboxed && isRoot() ? podIdentity(this.pod, container) : undefined;
  }

  private programDirectories(): string[] {
    return programDirectories(this.options.pathPrepend ?? [], [
      ...standInDirectory(),
      ...(this.options.programDirectories ?? []),
    ]);
  }

  private withSandboxSignal(exit: ProcessExit): ProcessExit {
    if (!this.sandboxed || exit.signal !== undefined || exit.startError !== undefined) return exit;
    const signal = signalOfSandboxExit(exit.exitCode);
    return signal === undefined ? exit : { ...exit, signal };
  }

  private recordExit(
    container: Container,
    kind: ContainerKind,
    index: number,
    exit: ProcessExit,
    startedAt: string,
    knownReason?: string,
    knownMessage?: string,
  ): ProcessExit {
    const reason =
      knownReason ?? (exit.startError !== undefined ? "StartError" : exit.exitCode === 0 ? "Completed" : "Error");
    const message = knownMessage ?? exit.startError;
    this.setContainer(kind, index, {
      name: container.name,
      ready: false,
      restartCount: 0,
      image: "local",
      state: {
        terminated: {
          exitCode: exit.exitCode,
          ...(exit.signal !== undefined ? { signal: exit.signal } : {}),
          reason,
          ...(message !== undefined ? { message } : {}),
          startedAt,
          finishedAt: new Date().toISOString(),
        },
      },
    });
    return exit;
  }

  /**
   * The container's cwd on this machine. Inside a mount it is created if missing (as the
   * container runtime does); outside every mount it must already exist — the local runtime
   * never creates directories at arbitrary host paths.
   */
  private async workingDirectory(
    container: Container,
    mounts: MountTable,
    sandbox: PodSandbox,
    identity: PodIdentity | undefined,
  ): Promise<string | ProcessExit> {
    if (!container.workingDir) return sandbox.workDirectory;
    const local = mounts.localPathOf(container.workingDir);
    if (local !== undefined) {
      const first = await mkdir(local, { recursive: true });
      // As a container runtime does, a cwd it creates belongs to the container's user.
      if (first !== undefined && identity !== undefined) await chownDown(first, local, identity);
      return local;
    }
    const found = await stat(container.workingDir).catch(() => undefined);
    if (found?.isDirectory()) return container.workingDir;
    return {
      exitCode: 128,
      startError: `working directory "${container.workingDir}" does not exist on this machine and is under no volume mount`,
    };
  }

  /** Calls `attempt` until it is ready, reporting each new reason it is not; undefined once stopped. */
  private async retryUntilReady<T>(
    attempt: () => Promise<Readiness<T>>,
    onWaiting: (message: string) => void,
  ): Promise<T | undefined> {
    let lastMessage: string | undefined;
    while (!this.stopping) {
      const result = await attempt();
      if (result.ready) return result.value;
      if (result.message !== lastMessage) onWaiting(result.message);
      lastMessage = result.message;
      await delay(this.options.retryMs ?? 1000, this.stopController.signal);
    }
    return undefined;
  }

  // ---- status ---------------------------------------------------------------------------------

  private setWaiting(reason: string, message: string): void {
    const unstarted = (statuses: ContainerStatus[] | undefined) =>
      statuses?.map((s) => (s.state?.waiting ? waiting(s.name, reason, message) : s));
    const init = unstarted(this.status.initContainerStatuses);
    if (init) this.status.initContainerStatuses = init;
    this.status.containerStatuses = unstarted(this.status.containerStatuses) ?? [];
    this.publish();
  }

  private setContainer(kind: ContainerKind, index: number, containerStatus: ContainerStatus): void {
    const list = kind === "init" ? this.status.initContainerStatuses : this.status.containerStatuses;
    if (list) list[index] = containerStatus;
    this.publish();
  }

  private finish({ phase, reason, message }: PodEnding): PodStatus {
    this.status.phase = phase;
    if (reason) this.status.reason = reason;
    if (message) this.status.message = message;
    for (const list of [this.status.initContainerStatuses, this.status.containerStatuses]) {
      for (const s of list ?? []) s.ready = false;
    }
    this.publish();
    return structuredClone(this.status);
  }

  private publish(): void {
    try {
      this.onStatus(structuredClone(this.status));
    } catch {
      // A listener's failure must not stop the kubelet from tracking the pod's processes.
    }
  }
}

/** True when the recovered pod's main containers had started: they are followed, not started over. */
function recoveredMainStarted(record: PodRecord): boolean {
  return record.pod.spec.containers.some((container) => record.processes[container.name] !== undefined);
}

/** A recovered pod that starts over: its init containers' leftovers are killed, its old sandbox removed. */
async function discardUnfollowed(record: PodRecord): Promise<void> {
  for (const process of Object.values(record.processes)) {
    if (!isRecordedGroupRunning(process)) continue;
    signalGroup(process.group.pid, "SIGKILL");
    await waitForGroupGone(process.group.pid, GROUP_EXIT_WAIT_MS);
  }
  if (record.sandboxDirectory) await rm(record.sandboxDirectory, { recursive: true, force: true });
}

/** The Claude stand-in's own directory (its bin/claude runs ../claude-stand-in.mjs), if shipped. */
function standInDirectory(): string[] {
  try {
    return [dirname(claudeStandInBinDirectory())];
  } catch {
    return [];
  }
}

/** Gives `leaf` and the directories above it down from `first` (all just created) to `identity`. */
async function chownDown(first: string, leaf: string, identity: PodIdentity): Promise<void> {
  const relative = leaf.slice(first.length).split("/").filter(Boolean);
  let path = first;
  await chown(path, identity.uid, identity.gid);
  for (const part of relative) {
    path = `${path}/${part}`;
    await chown(path, identity.uid, identity.gid);
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
