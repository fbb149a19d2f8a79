/**
 * A container started by a server that has since died: its processes are not this process's
 * children, so their end is seen by watching the recorded process group go away, and the exit
 * status is what bubblewrap wrote to the container's exit-status file. A recycled pid never counts:
 * the group is the recorded one only on the same boot and, while its leader runs, with the
 * leader's recorded start time (a pgid cannot be reused while any member of the group lives).
 */
import { rm } from "node:fs/promises";
import { currentBootId, identityOf } from "./process-identity.js";
import { isGroupAlive, killGroupAndWait, recordedExitCode, type ProcessExit } from "./process-group.js";
import type { ContainerProcessRecord, PodRecord } from "./runtime-state-directory.js";

const POLL_MS = 200;

/** True while a process of the recorded container's group still runs. */
export function isRecordedGroupRunning(record: ContainerProcessRecord): boolean {
  const { group } = record;
  if (group.bootId !== currentBootId() || group.startTime === "") return false;
  const leader = identityOf(group.pid);
  if (leader !== undefined && leader.startTime !== group.startTime) return false;
  return isGroupAlive(group.pid);
}

/** Resolves once no process of the recorded group runs any more. */
export async function awaitRecordedGroupEnd(record: ContainerProcessRecord): Promise<void> {
  while (isRecordedGroupRunning(record)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
}

/**
 * How the adopted container ended: bubblewrap's recorded exit code; else, when this runtime
 * killed the group, SIGKILL's; else unknown, reported as Kubernetes reports a container its
 * kubelet lost (ContainerStatusUnknown, 137).
 */
export function exitOfAdoptedContainer(
  record: ContainerProcessRecord,
  killedBySigkill: boolean,
): ProcessExit & { readonly reason?: string; readonly message?: string } {
  const code = recordedExitCode(record.exitStatusFile);
  if (code !== undefined)
    return code > 128 && code <= 192 ? { exitCode: code, signal: code - 128 } : { exitCode: code };
  if (killedBySigkill) return { exitCode: 137, signal: 9 };
  return {
    exitCode: 137,
    reason: "ContainerStatusUnknown",
    message: "the container ended while no local runtime was running and left no exit status",
  };
}

/** True when the recovered pod's main containers had started: they are followed, not started over. */
export function recoveredMainStarted(record: PodRecord): boolean {
  return record.pod.spec.containers.some((container) => record.processes[container.name] !== undefined);
}

/** A recovered pod that starts over: its init containers' leftovers are killed, its old sandbox removed. */
export async function discardUnfollowed(record: PodRecord): Promise<void> {
  for (const process of Object.values(record.processes)) {
    if (isRecordedGroupRunning(process)) await killGroupAndWait(process.group.pid);
  }
  if (record.sandboxDirectory) await rm(record.sandboxDirectory, { recursive: true, force: true });
}
