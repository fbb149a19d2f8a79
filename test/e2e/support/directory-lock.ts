/**
 * A cross-process lock as a directory (mkdir is atomic). The owner's pid is written inside, so a
 * lock left by a crashed run is taken over instead of blocking forever.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const WAIT_LIMIT_MS = 15 * 60_000;
const POLL_MS = 1000;

function ownerAlive(lockDir: string): boolean {
  try {
    const pid = Number(readFileSync(join(lockDir, "pid"), "utf8"));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but is not ours: still alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryAcquire(lockDir: string): boolean {
  try {
    mkdirSync(lockDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  writeFileSync(join(lockDir, "pid"), String(process.pid));
  return true;
}

export async function withDirectoryLock<T>(
  lockDir: string,
  log: (line: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let announced = false;
  while (!tryAcquire(lockDir)) {
    // A lock without a live owner (crash, or pid file not written yet for over a poll) is stale.
    await sleep(POLL_MS);
    if (!ownerAlive(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for ${lockDir} (another run is installing)`);
    announced = true;
    if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_LIMIT_MS / 60_000} min waiting for ${lockDir}`);
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
