import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { hasEnvironmentEntry, isSameProcessAlive, processTree, signalQuietly } from "./process-tree.js";

describe("process-tree", () => {
  it("finds a process's grandchildren, reads their environment, and sees them gone once killed", async () => {
    const marker = `PROCESS_TREE_TEST=${process.pid}-${Date.now()}`;
    const [key, value] = marker.split("=") as [string, string];
    const shell = spawn("sh", ["-c", "sleep 30 & sleep 30 & wait"], { env: { ...process.env, [key]: value } });
    const root = shell.pid as number;
    let tree = processTree(root);
    const sleeping = () => tree.filter((info) => info.command.startsWith("sleep")).length;
    // A forked child shows as "sh" until it has exec'd sleep: wait for both sleeps, not just 3 entries.
    for (let i = 0; i < 100 && sleeping() < 2; i++) {
      await sleep(20);
      tree = processTree(root);
    }
    expect(tree.map((info) => info.pid)).toContain(root);
    const sleepers = tree.filter((info) => info.command.startsWith("sleep"));
    expect(sleepers).toHaveLength(2);
    expect(sleepers.every((info) => hasEnvironmentEntry(info.pid, marker))).toBe(true);

    for (const info of tree) signalQuietly(info.pid, "SIGKILL");
    await new Promise((resolve) => shell.once("exit", resolve));
    for (let i = 0; i < 50 && tree.some(isSameProcessAlive); i++) await sleep(20);
    expect(tree.filter(isSameProcessAlive)).toEqual([]);
  });
});
