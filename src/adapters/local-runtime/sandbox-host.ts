/**
 * What the pod sandbox needs from this machine: bubblewrap, the system directories every program
 * needs (read-only), the few /etc files programs read, node's install prefix, and whether a
 * sandbox can be made here at all (checked once per process by running a trivial one).
 */
import { spawn } from "node:child_process";
import { existsSync, lstatSync, readlinkSync, realpathSync } from "node:fs";
import { dirname } from "node:path";

export const BWRAP_PATH = "/usr/bin/bwrap";
export const SETPRIV_PATH = "/usr/bin/setpriv";

/** A system path as it is on this machine: a directory to bind read-only, or a symlink to copy. */
export type SystemEntry =
  | { readonly kind: "directory"; readonly path: string }
  | { readonly kind: "symlink"; readonly path: string; readonly target: string };

/** Directories holding programs and their libraries. */
const SYSTEM_DIRECTORIES = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * The /etc entries programs read (users, name resolution, TLS roots, time zone, the dynamic
 * linker's cache, Debian's alternatives). An allowlist: the rest of /etc may hold the host's
 * secrets (shadow, ssh keys, service configs) and no pod needs it.
 */
const ETC_ENTRIES = [
  "alternatives",
  "ca-certificates",
  "ca-certificates.conf",
  "debian_version",
  "gai.conf",
  "group",
  "host.conf",
  "hosts",
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "localtime",
  "mime.types",
  "nsswitch.conf",
  "os-release",
  "passwd",
  "protocols",
  "resolv.conf",
  "services",
  "ssl",
  "timezone",
];

function describe(path: string): SystemEntry | undefined {
  try {
    const stats = lstatSync(path);
    if (stats.isSymbolicLink()) return { kind: "symlink", path, target: readlinkSync(path) };
    return { kind: "directory", path };
  } catch {
    return undefined;
  }
}

/** The system directories and /etc entries present on this machine, symlinks kept as symlinks. */
export function systemEntries(): readonly SystemEntry[] {
  return [...SYSTEM_DIRECTORIES, ...ETC_ENTRIES.map((name) => `/etc/${name}`)].flatMap((path) => {
    const entry = describe(path);
    return entry ? [entry] : [];
  });
}

/** bubblewrap arguments recreating the system entries: directories bound read-only, symlinks copied. */
export function systemBindArgs(entries: readonly SystemEntry[] = systemEntries()): string[] {
  return entries.flatMap((entry) =>
    entry.kind === "symlink" ? ["--symlink", entry.target, entry.path] : ["--ro-bind", entry.path, entry.path],
  );
}

/** node's install prefix (`<prefix>/bin/node` → `<prefix>`), so `node` on PATH works in a pod. */
export function nodeInstallPrefix(): string {
  return dirname(dirname(realpathSync(process.execPath)));
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

export type SandboxAvailability = { readonly available: true } | { readonly available: false; readonly reason: string };

const PROBE_TIMEOUT_MS = 10_000;
const PROBE_OUTPUT_LIMIT = 500;
const probes = new Map<string, Promise<SandboxAvailability>>();

/**
 * Whether bubblewrap can build a pod sandbox on this machine: installed, and either this process
 * is root or the kernel lets it create user namespaces. Asked once per process.
 */
export function sandboxAvailability(bwrapPath = BWRAP_PATH): Promise<SandboxAvailability> {
  let probe = probes.get(bwrapPath);
  if (probe === undefined) {
    probe = probeSandbox(bwrapPath);
    probes.set(bwrapPath, probe);
  }
  return probe;
}

async function probeSandbox(bwrapPath: string): Promise<SandboxAvailability> {
  if (!existsSync(bwrapPath)) {
    return unavailable(
      `bubblewrap is not installed (no ${bwrapPath}); install it (Debian/Ubuntu: apt-get install bubblewrap)`,
    );
  }
  if (isRoot() && !existsSync(SETPRIV_PATH)) {
    return unavailable(
      `${SETPRIV_PATH} is missing, so pods cannot run as their runAsUser; install util-linux (Debian/Ubuntu: apt-get install util-linux)`,
    );
  }
  const args = [
    ...systemBindArgs(),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    "--unshare-pid",
    "--die-with-parent",
    "/bin/sh",
    "-c",
    "exit 0",
  ];
  const outcome = await new Promise<{ code: number | null; output: string }>((resolve) => {
    let output = "";
    const child = spawn(bwrapPath, args, { stdio: ["ignore", "pipe", "pipe"], timeout: PROBE_TIMEOUT_MS });
    const keep = (chunk: Buffer) => {
      if (output.length < PROBE_OUTPUT_LIMIT) output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", (error) => resolve({ code: null, output: error.message }));
    child.once("close", (code) => resolve({ code, output }));
  });
  if (outcome.code === 0) return { available: true };
  const words = outcome.output.trim().slice(0, PROBE_OUTPUT_LIMIT) || `exit code ${String(outcome.code)}`;
  return unavailable(
    isRoot()
      ? `bubblewrap could not create a sandbox (${words})`
      : `bubblewrap could not create a sandbox as a non-root user (${words}); it needs unprivileged user namespaces (sysctl user.max_user_namespaces > 0, and kernel.unprivileged_userns_clone=1 where that setting exists), or run the server as root`,
  );
}

function unavailable(problem: string): SandboxAvailability {
  return {
    available: false,
    reason: `the local runtime runs every pod in a bubblewrap sandbox and cannot here: ${problem}. Only on a machine no one else uses, the sandbox can be switched off (CLAUDE_K8S_LOCAL_UNSANDBOXED=1, or the runtime option unsandboxed: true); pods then see the whole machine as this user`,
  };
}
