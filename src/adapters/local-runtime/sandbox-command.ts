/**
 * One container's bubblewrap command line: the container's processes get their own mount, PID,
 * IPC and UTS namespaces in which only these exist —
 *   - the system directories and allowlisted /etc files (read-only, see sandbox-host.ts);
 *   - a private /proc (its own processes only), a minimal /dev and a private, empty /tmp;
 *   - the programs' install directories (read-only: node's prefix, the stand-in, pathPrepend);
 *   - the pod's own sandbox directories (HOME, default cwd);
 *   - exactly the container's volume mounts at their mount paths, read-only where they say so.
 * As root, the command then drops to the pod's runAsUser/runAsGroup with fsGroup and
 * supplementalGroups as its groups, no capabilities and no way to gain privileges (setpriv), as a
 * cluster's `allowPrivilegeEscalation: false` + `capabilities.drop: [ALL]` would. As another user,
 * bubblewrap needs a user namespace and the processes keep this user's uid (it cannot switch).
 *
 * bubblewrap writes JSON documents to the exit-status descriptor, the last `{ "exit-code": N }`
 * when the container's main process ends: written by the sandbox itself, it is there even when
 * the server that started the container has died meanwhile.
 *
 * No `--new-session`: the processes stay in the container's process group (the runtime signals
 * it), and no terminal is attached for them to abuse. The PID namespace guarantees that nothing
 * outlives the container: when its main process ends, the kernel kills every process left in the
 * namespace.
 */
import type { Container, Pod } from "../../ports/kubernetes-objects.js";
import { BWRAP_PATH, SETPRIV_PATH, systemBindArgs, type SystemEntry } from "./sandbox-host.js";

/** The descriptor the runtime opens on the container's exit-status file for bubblewrap. */
export const EXIT_STATUS_FD = 3;

/** Who the container's processes run as (only when the server is root and can switch). */
export interface PodIdentity {
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups: fsGroup first, then supplementalGroups. */
  readonly groups: readonly number[];
}

export interface SandboxBind {
  /** The directory on this machine. */
  readonly source: string;
  /** Where the container sees it. */
  readonly target: string;
  readonly readOnly: boolean;
  /** Skipped when the source does not exist (program directories that may be absent). */
  readonly optional?: boolean;
}

export interface SandboxPlan {
  readonly system: readonly SystemEntry[];
  readonly binds: readonly SandboxBind[];
  /** The container's cwd as the container sees it. */
  readonly cwd: string;
  readonly hostname: string;
  readonly identity: PodIdentity | undefined;
  /** The container dies with the process that started it (a kubelet inside a test process). */
  readonly dieWithParent?: boolean;
}

/**
 * The identity Kubernetes would give the container: the container's runAsUser/runAsGroup over
 * the pod's; uid 0 when neither sets one (the image's default user is usually root). Without
 * runAsGroup the gid is the uid (an image's primary group is unknown here; group 0 would
 * grant root's group files).
 */
export function podIdentity(pod: Pod, container: Container): PodIdentity {
  const podContext = pod.spec.securityContext;
  const uid = container.securityContext?.runAsUser ?? podContext?.runAsUser ?? 0;
  const gid = container.securityContext?.runAsGroup ?? podContext?.runAsGroup ?? uid;
  const groups = [
    ...(podContext?.fsGroup !== undefined ? [podContext.fsGroup] : []),
    ...(pod.spec.securityContext?.supplementalGroups ?? []),
  ].filter((group, index, all) => all.indexOf(group) === index);
  return { uid, gid, groups };
}

/** Depth of a path: parents are bound before their children, so a child bind is never hidden. */
const depth = (path: string): number => path.split("/").filter(Boolean).length;

export function sandboxedArgv(plan: SandboxPlan, argv: readonly string[]): string[] {
  const system = systemBindArgs(plan.system);
  const binds = [...plan.binds]
    .sort((a, b) => depth(a.target) - depth(b.target))
    .flatMap((bind) => {
      const flag = bind.readOnly ? "--ro-bind" : "--bind";
      return [bind.optional ? `${flag}-try` : flag, bind.source, bind.target];
    });
  const directories = traversableAncestors([
    ...plan.system.map((entry) => entry.path),
    ...plan.binds.map((bind) => bind.target),
  ]).flatMap((directory) => ["--perms", "0755", "--dir", directory]);
  return [
    BWRAP_PATH,
    ...["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"],
    ...directories,
    ...system,
    ...binds,
    ...["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--hostname", plan.hostname || "pod"],
    // Not --die-with-parent by default: a pod outlives the server that started it, as in a cluster;
    // the next runtime adopts it (runtime-state-directory.ts). bubblewrap writes the exit status to fd 3.
    ...(plan.dieWithParent ? ["--die-with-parent"] : []),
    ...["--json-status-fd", String(EXIT_STATUS_FD)],
    ...["--chdir", plan.cwd],
    ...(plan.identity ? identitySwitch(plan.identity) : []),
    ...argv,
  ];
}

/** Directories the sandbox itself provides (the rest of a path above a bind comes from the bind). */
const PROVIDED = ["/proc", "/dev", "/tmp"];

/**
 * The directories above the targets that exist only in the sandbox's own root, shallowest first:
 * bubblewrap would create them owner-only, so a non-root pod could not reach its own mounts.
 */
function traversableAncestors(targets: readonly string[]): string[] {
  const within = (path: string, root: string) => path === root || path.startsWith(`${root}/`);
  const covered = (path: string) =>
    PROVIDED.includes(path) ||
    targets.some((target) => target !== path && within(path, target)) ||
    targets.includes(path);
  const ancestors = new Set<string>();
  for (const target of targets) {
    const parts = target.split("/").filter(Boolean);
    for (let length = 1; length < parts.length; length += 1) {
      const ancestor = `/${parts.slice(0, length).join("/")}`;
      if (!covered(ancestor)) ancestors.add(ancestor);
    }
  }
  return [...ancestors].sort((a, b) => depth(a) - depth(b));
}

function identitySwitch(identity: PodIdentity): string[] {
  const groups = identity.groups.filter((group) => group !== identity.gid);
  return [
    SETPRIV_PATH,
    `--reuid=${identity.uid}`,
    `--regid=${identity.gid}`,
    groups.length > 0 ? `--groups=${groups.join(",")}` : "--clear-groups",
    "--inh-caps=-all",
    "--bounding-set=-all",
    "--no-new-privs",
    "--",
  ];
}

/**
 * bubblewrap's init reports a command killed by signal n as exit status 128 + n; a container
 * runtime reports the same. The runtime cannot tell that from a command that exits 128 + n
 * itself, and reports signal n for both.
 */
export function signalOfSandboxExit(exitCode: number): number | undefined {
  return exitCode > 128 && exitCode <= 128 + 64 ? exitCode - 128 : undefined;
}
