/**
 * Where a container starts on this machine. Inside a mount its working directory is created if
 * missing, owned by the container's user (as a container runtime does); outside every mount it
 * must already exist — the local runtime never creates directories at arbitrary host paths.
 */
import { chown, mkdir, stat } from "node:fs/promises";
import type { Container } from "../../ports/kubernetes-objects.js";
import type { MountTable } from "./mount-table.js";
import type { PodSandbox } from "./pod-sandbox.js";
import type { ProcessExit } from "./process-group.js";
import type { PodIdentity } from "./sandbox-command.js";

/** The container's cwd on this machine, or the start error (exit 128) when there is none. */
export async function containerWorkingDirectory(
  container: Container,
  mounts: MountTable,
  sandbox: PodSandbox,
  identity: PodIdentity | undefined,
): Promise<string | ProcessExit> {
  if (!container.workingDir) return sandbox.workDirectory;
  const local = mounts.localPathOf(container.workingDir);
  if (local !== undefined) {
    const first = await mkdir(local, { recursive: true });
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
