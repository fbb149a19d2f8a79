/**
 * One container = one process group: the command is spawned as the leader of a new group
 * (`detached: true`), so a signal to `-pgid` reaches the shell AND everything it started, as a
 * container's PID namespace would. Output goes straight to a log file (never a pipe), which also
 * means the parent holds no pipes open and cannot be blocked by a chatty child.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";

export interface ProcessExit {
  /** Exit status as a container reports it: the code, or 128 + n when killed by signal n. */
  readonly exitCode: number;
  /** The signal number when the process itself was killed by a signal. */
  readonly signal?: number;
  /** Set when the process could not be started at all. */
  readonly startError?: string;
}

export interface GroupProcess {
  /** Process group id (= the leader's pid); undefined if spawning failed. */
  readonly pgid: number | undefined;
  readonly exited: Promise<ProcessExit>;
}

export interface SpawnRequest {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here, interleaved like `kubectl logs`. */
  readonly logPath: string;
  /** Opened as the child's fd 3 (bubblewrap writes the exit status there; see sandbox-command.ts). */
  readonly exitStatusPath?: string;
}

export function spawnInNewGroup(request: SpawnRequest): GroupProcess {
  const [command, ...args] = request.argv;
  if (command === undefined) {
    return { pgid: undefined, exited: Promise.resolve({ exitCode: 128, startError: "the container has no command" }) };
  }
  const logFd = openSync(request.logPath, "a", 0o644);
  const statusFd = request.exitStatusPath === undefined ? undefined : openSync(request.exitStatusPath, "a", 0o600);
  try {
    const child = spawn(command, args, {
      cwd: request.cwd,
      env: request.env,
      detached: true,
      stdio: ["ignore", logFd, logFd, ...(statusFd === undefined ? [] : [statusFd])],
    });
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once("error", (error) => resolve({ exitCode: 128, startError: error.message }));
      child.once("exit", (code, signalName) => {
        if (code !== null) return resolve({ exitCode: code });
        const signal = signalName ? constants.signals[signalName] : undefined;
        resolve({ exitCode: 128 + (signal ?? 0), ...(signal !== undefined ? { signal } : {}) });
      });
    });
    return { pgid: child.pid, exited };
  } finally {
    closeSync(logFd);
    if (statusFd !== undefined) closeSync(statusFd);
  }
}

/** Sends `signal` to the whole group; false when no process of the group is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * The exit code bubblewrap recorded in an exit-status file (its last `"exit-code"` document);
 * undefined when the container has not ended or ended without a word (bubblewrap was killed).
 */
export function recordedExitCode(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const codes = [...text.matchAll(/"exit-code"\s*:\s*(\d+)/g)].map((match) => Number(match[1]));
  return codes.at(-1);
}

/** Sends `signal` to the group leader alone (a container's PID 1); false when it is gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/**
 * True while a process of the group still runs. A zombie does not count: it has ended and only
 * waits for its parent to reap it — a sandbox's init, once bubblewrap has exited, is reaped by
 * PID 1, which on some hosts takes a second.
 */
export function isGroupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0) && !onlyZombiesIn(pgid);
}

/**
 * Waits until no process of the group runs any more (see isGroupAlive). Returns false if some
 * still run after `timeoutMs`.
 */
export async function waitForGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; signalGroup(pgid, 0); round += 1) {
    // The /proc scan costs more than a signal: only every fifth round.
    if (round % 5 === 4 && onlyZombiesIn(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Bound on waiting for killed leftovers to be reaped (a host whose PID 1 never reaps would hang us). */
const GROUP_EXIT_WAIT_MS = 5000;

/** SIGKILLs whatever is left in the group and waits (bounded) until it has really gone. */
export async function killGroupAndWait(pgid: number): Promise<void> {
  signalGroup(pgid, "SIGKILL");
  await waitForGroupGone(pgid, GROUP_EXIT_WAIT_MS);
}

/** True when every process left in the group is a zombie. */
function onlyZombiesIn(pgid: number): boolean {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // The command name may contain spaces: the fields after it start past the last ")".
    const [state = "", , group = ""] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(group) === pgid && state !== "Z" && state !== "X") return false;
  }
  return true;
}

/**
 * The host pid of a sandboxed container's main process: the process that is PID 2 in the
 * sandbox's PID namespace (PID 1 is bubblewrap's init, which does not pass signals on), found
 * below the bubblewrap process `monitorPid`. Undefined when it is not (or no longer) running.
 */
export function sandboxedMainPid(monitorPid: number): number | undefined {
  let generation = [monitorPid];
  for (let level = 0; level < 4 && generation.length > 0; level += 1) {
    const next: number[] = [];
    for (const pid of generation) {
      for (const child of childrenOf(pid)) {
        if (namespacePid(child) === 2) return child;
        next.push(child);
      }
    }
    generation = next;
  }
  return undefined;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The pid a process has in its innermost PID namespace (the last field of NSpid). */
function namespacePid(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith("NSpid:"));
    const fields = line?.split(/\s+/).slice(1).filter(Boolean) ?? [];
    return fields.length > 1 ? Number(fields[fields.length - 1]) : undefined;
  } catch {
    return undefined;
  }
}
