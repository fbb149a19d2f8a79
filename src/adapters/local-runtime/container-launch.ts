/**
 * Starting one container's main process: its command with `$(VAR)` references expanded, wrapped
 * in the bubblewrap sandbox unless the runtime is unsandboxed, spawned as the leader of a new
 * process group with its stdout+stderr in the container's log. What the process does from then on
 * is RunningPod's concern.
 */
import { dirname } from "node:path";
import type { Container, Pod } from "../../ports/kubernetes-objects.js";
import { claudeStandInBinDirectory } from "../../stand-in/stand-in-location.js";
import type { MountTable } from "./mount-table.js";
import type { PodSandbox } from "./pod-sandbox.js";
import { containerBinds, programDirectories } from "./pod-sandbox-plan.js";
import { spawnInNewGroup, type GroupProcess, type ProcessExit } from "./process-group.js";
import { sandboxedArgv, signalOfSandboxExit, type PodIdentity } from "./sandbox-command.js";
import { systemEntries } from "./sandbox-host.js";
import { expandKubernetesReferences } from "./variable-expansion.js";

export interface ContainerLaunch {
  readonly pod: Pod;
  readonly container: Container;
  readonly sandbox: PodSandbox;
  readonly mounts: MountTable;
  /** Rewrites mount paths in the command (unsandboxed); in a sandbox nothing is rewritten. */
  readonly pathRewrite: MountTable;
  readonly env: Readonly<Record<string, string>>;
  /** The working directory on this machine (unsandboxed) or in the sandbox's view. */
  readonly cwd: string;
  readonly identity: PodIdentity | undefined;
  /** undefined: a plain process that sees the whole machine. */
  readonly sandboxed?: {
    readonly programs: readonly string[];
    /** Each data-volume mount's local path, resolved. */
    readonly resolvedMounts: ReadonlyMap<string, string>;
    readonly dieWithParent: boolean;
  };
}

export interface LaunchedContainer {
  readonly child: GroupProcess;
  /** Where bubblewrap writes the exit status (read by a runtime that takes the pod over). */
  readonly exitStatusFile: string;
}

export function launchContainer(launch: ContainerLaunch): LaunchedContainer {
  const { pod, container, sandbox, env, sandboxed } = launch;
  const command = [...(container.command ?? []), ...(container.args ?? [])].map((part) =>
    launch.pathRewrite.translate(expandKubernetesReferences(part, (name) => env[name])),
  );
  const argv = sandboxed
    ? sandboxedArgv(
        {
          system: systemEntries(),
          binds: containerBinds({
            pod,
            container,
            mounts: launch.mounts,
            sandbox,
            programs: sandboxed.programs,
            resolved: sandboxed.resolvedMounts,
          }),
          cwd: container.workingDir ?? launch.cwd,
          hostname: pod.metadata.name ?? "",
          identity: launch.identity,
          dieWithParent: sandboxed.dieWithParent,
        },
        command,
      )
    : command;
  const exitStatusFile = sandbox.exitStatusPath(container.name);
  const child = spawnInNewGroup({
    argv,
    cwd: sandboxed ? sandbox.workDirectory : launch.cwd,
    env,
    logPath: sandbox.logPath(container.name),
    ...(sandboxed ? { exitStatusPath: exitStatusFile } : {}),
  });
  return { child, exitStatusFile };
}

/** In a sandbox, bubblewrap reports a main process killed by signal n as exit 128 + n: name n. */
export function withSandboxSignal(exit: ProcessExit, sandboxed: boolean): ProcessExit {
  if (!sandboxed || exit.signal !== undefined || exit.startError !== undefined) return exit;
  const signal = signalOfSandboxExit(exit.exitCode);
  return signal === undefined ? exit : { ...exit, signal };
}

/** Every program directory a sandboxed container sees, the Claude stand-in's among them. */
export function sandboxProgramDirectories(pathPrepend: readonly string[], extra: readonly string[]): string[] {
  return programDirectories(pathPrepend, [...standInDirectory(), ...extra]);
}

/** The Claude stand-in's own directory (its bin/claude runs ../claude-stand-in.mjs), if shipped. */
function standInDirectory(): string[] {
  try {
    return [dirname(claudeStandInBinDirectory())];
  } catch {
    return [];
  }
}
