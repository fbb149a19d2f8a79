import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { withDirectoryLock } from "./directory-lock.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const quiet = () => {};

describe("withDirectoryLock", () => {
  it("runs two holders one after the other, never at once", async () => {
    dir = mkdtempSync(join(tmpdir(), "lock-test-"));
    const lock = join(dir, "install.lock");
    const events: string[] = [];
    const holder = (name: string) =>
      withDirectoryLock(lock, quiet, async () => {
        events.push(`${name} in`);
        await sleep(150);
        events.push(`${name} out`);
      });
    await Promise.all([holder("a"), holder("b")]);
    expect(events).toEqual(["a in", "a out", "b in", "b out"]);
  });

  it("takes over a lock whose owner process is gone", async () => {
    dir = mkdtempSync(join(tmpdir(), "lock-test-"));
    const lock = join(dir, "install.lock");
    mkdirSync(lock);
    writeFileSync(join(lock, "pid"), "999999999"); // no such process
    const result = await withDirectoryLock(lock, quiet, async () => "ran");
    expect(result).toBe("ran");
  });

  it("releases the lock when the work fails", async () => {
    dir = mkdtempSync(join(tmpdir(), "lock-test-"));
    const lock = join(dir, "install.lock");
    await expect(withDirectoryLock(lock, quiet, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await withDirectoryLock(lock, quiet, async () => "again")).toBe("again");
  });
});
