/**
 * The local runtime's state on disk, so that its pods outlive the server process: every Job, Secret
 * and pod it holds (with each container's process identity and sandbox) is one JSON file, written
 * atomically on every change, under a directory this runtime owns:
 *   <stateDirectory>/<runtimeId>/owner.json            who owns it: pid + start time + boot id
 *   <stateDirectory>/<runtimeId>/{jobs,pods,secrets}/  one file per object (Secrets 0600)
 * A runtime that starts claims the directories of owners that are no longer running (one atomic
 * rename each, so two starting runtimes never both take one) and takes their objects over; the
 * directories of live owners (another server on the same data directory) are left alone. The whole
 * tree is 0700: no pod's uid can read it (a sandboxed pod does not even see it).
 *
 * Small local files written synchronously: a record on disk is never older than the change the
 * API answered for, and no two writes of one object can land out of order.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Job, Pod, Secret } from "../../ports/kubernetes-objects.js";
import { identityOf, isSameProcessRunning, type ProcessIdentity } from "./process-identity.js";

/** One container's process as the runtime started it: enough to find, signal and judge it later. */
export interface ContainerProcessRecord {
  /** The process group (= its leader's pid) and the leader's start time and boot. */
  readonly group: ProcessIdentity;
  /** Where the container's exit status is written by whoever outlives the server (bubblewrap). */
  readonly exitStatusFile: string;
}

export interface PodRecord {
  readonly pod: Pod;
  readonly sandboxDirectory: string;
  /** By container name: the containers that were started. */
  readonly processes: Readonly<Record<string, ContainerProcessRecord>>;
}

export interface RecoveredState {
  readonly jobs: Job[];
  readonly secrets: Secret[];
  readonly pods: PodRecord[];
}

type Kind = "jobs" | "pods" | "secrets";
const KINDS: readonly Kind[] = ["jobs", "pods", "secrets"];

export class RuntimeStateDirectory {
  private readonly directory: string;

  private constructor(
    private readonly root: string,
    runtimeId: string,
  ) {
    this.directory = `${root}/${runtimeId}`;
  }

  /** Makes this runtime's directory (owned by this process) under `root`. */
  static open(root: string): RuntimeStateDirectory {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const id = randomUUID();
    // Made complete under a name no runtime claims, then renamed: never seen without its owner.
    const making = `${root}/.making-${id}`;
    for (const kind of KINDS) mkdirSync(`${making}/${kind}`, { recursive: true, mode: 0o700 });
    writeAtomically(`${making}/owner.json`, JSON.stringify(identityOf(process.pid) ?? null), 0o600);
    const state = new RuntimeStateDirectory(root, `runtime-${id}`);
    renameSync(making, state.directory);
    return state;
  }

  get path(): string {
    return this.directory;
  }

  /**
   * Takes over the state of every runtime whose process is gone: its objects become this
   * runtime's (written here), its directory is removed. A record that cannot be read is skipped.
   */
  claimOrphanedState(): RecoveredState {
    const recovered: RecoveredState = { jobs: [], secrets: [], pods: [] };
    for (const entry of readdirSync(this.root)) {
      const candidate = `${this.root}/${entry}`;
      if (candidate === this.directory || !entry.startsWith("runtime-")) continue;
      if (ownerIsRunning(candidate)) continue;
      const claimed = `${this.directory}/claimed-${entry}`;
      try {
        renameSync(candidate, claimed);
      } catch {
        continue; // Another starting runtime claimed it first.
      }
      for (const kind of KINDS) {
        for (const file of safeReaddir(`${claimed}/${kind}`)) {
          const value = readJson(`${claimed}/${kind}/${file}`);
          if (value === undefined) continue;
          if (kind === "jobs") recovered.jobs.push(value as Job);
          else if (kind === "secrets") recovered.secrets.push(value as Secret);
          else recovered.pods.push(value as PodRecord);
          writeAtomically(`${this.directory}/${kind}/${file}`, JSON.stringify(value), 0o600);
        }
      }
      rmSync(claimed, { recursive: true, force: true });
    }
    return recovered;
  }

  saveJob(job: Job): void {
    this.save("jobs", job.metadata, job);
  }

  forgetJob(job: Job): void {
    this.forget("jobs", job.metadata);
  }

  saveSecret(secret: Secret): void {
    this.save("secrets", secret.metadata, secret);
  }

  forgetSecret(secret: Secret): void {
    this.forget("secrets", secret.metadata);
  }

  savePod(record: PodRecord): void {
    this.save("pods", record.pod.metadata, record);
  }

  forgetPod(pod: Pod): void {
    this.forget("pods", pod.metadata);
  }

  /** Removes this runtime's state: everything it held has been stopped (an orderly shutdown). */
  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }

  private save(kind: Kind, metadata: { namespace?: string; name?: string }, value: unknown): void {
    writeAtomically(`${this.directory}/${kind}/${fileNameOf(metadata)}`, JSON.stringify(value), 0o600);
  }

  private forget(kind: Kind, metadata: { namespace?: string; name?: string }): void {
    rmSync(`${this.directory}/${kind}/${fileNameOf(metadata)}`, { force: true });
  }
}

/** One file per namespace/name; encoded so no name can reach outside its directory. */
function fileNameOf(metadata: { namespace?: string; name?: string }): string {
  return `${encodeURIComponent(metadata.namespace ?? "")}_${encodeURIComponent(metadata.name ?? "")}.json`;
}

function ownerIsRunning(directory: string): boolean {
  const owner = readJson(`${directory}/owner.json`) as ProcessIdentity | null | undefined;
  // A directory without a readable owner is one whose owner died while creating it.
  return owner !== undefined && owner !== null && isSameProcessRunning(owner);
}

function writeAtomically(path: string, data: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode });
  renameSync(temporary, path);
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function safeReaddir(directory: string): string[] {
  try {
    return readdirSync(directory).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
}
