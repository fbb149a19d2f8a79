/**
 * Who a process is, beyond its pid: pids are recycled, so a pid recorded before the server died is
 * only the same process if the machine has not rebooted since (boot id) and the process now
 * holding that pid started at the recorded moment (its start time in clock ticks since boot,
 * field 22 of /proc/<pid>/stat).
 */
import { readFileSync } from "node:fs";

export interface ProcessIdentity {
  readonly pid: number;
  /** Start time in clock ticks since boot, as /proc reports it. */
  readonly startTime: string;
  readonly bootId: string;
}

let cachedBootId: string | undefined;

/** This boot's id; "unknown" where /proc does not say (then nothing recorded is ever trusted). */
export function currentBootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    } catch {
      cachedBootId = "unknown";
    }
  }
  return cachedBootId;
}

/** The identity of the process running as `pid` now; undefined when there is none (or only a zombie). */
export function identityOf(pid: number): ProcessIdentity | undefined {
  const fields = statFields(pid);
  if (fields === undefined || fields.state === "Z" || fields.state === "X") return undefined;
  return { pid, startTime: fields.startTime, bootId: currentBootId() };
}

/** True while the recorded process still runs: same boot, same pid, same start time. */
export function isSameProcessRunning(recorded: ProcessIdentity): boolean {
  if (recorded.bootId === "unknown" || recorded.bootId !== currentBootId()) return false;
  const now = identityOf(recorded.pid);
  return now !== undefined && now.startTime === recorded.startTime;
}

function statFields(pid: number): { state: string; startTime: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name may contain spaces and ")": the fields after it start past the last ")".
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  const state = rest[0] ?? "";
  const startTime = rest[19] ?? "";
  return startTime === "" ? undefined : { state, startTime };
}
