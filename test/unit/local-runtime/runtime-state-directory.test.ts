import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { currentBootId } from "../../../src/adapters/local-runtime/process-identity.js";
import { RuntimeStateDirectory } from "../../../src/adapters/local-runtime/runtime-state-directory.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";

const job = (name: string): Job => ({
  metadata: { name, namespace: "local" },
  spec: { template: { spec: { containers: [] } } },
});

describe("the local runtime's state directory", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("leaves a live runtime's objects alone: a second runtime on the directory claims nothing", () => {
    root = mkdtempSync(`${tmpdir()}/claude-k8s-state-`);
    const first = RuntimeStateDirectory.open(root);
    first.saveJob(job("run-1"));
    const second = RuntimeStateDirectory.open(root);
    expect(second.claimOrphanedState().jobs).toEqual([]);
    expect(existsSync(`${first.path}/jobs`)).toBe(true);
  });

  it("takes over a dead runtime's objects exactly once, and removes its directory", () => {
    root = mkdtempSync(`${tmpdir()}/claude-k8s-state-`);
    const dead = RuntimeStateDirectory.open(root);
    dead.saveJob(job("run-1"));
    // Its owner: a pid of this boot whose start time is not the recorded one (a recycled pid).
    writeFileSync(
      `${dead.path}/owner.json`,
      JSON.stringify({ pid: process.pid, startTime: "1", bootId: currentBootId() }),
    );

    const next = RuntimeStateDirectory.open(root);
    const claimed = next.claimOrphanedState();
    expect(claimed.jobs.map((j) => j.metadata.name)).toEqual(["run-1"]);
    expect(existsSync(dead.path)).toBe(false);
    expect(readdirSync(`${next.path}/jobs`)).toHaveLength(1);
    expect(RuntimeStateDirectory.open(root).claimOrphanedState().jobs).toEqual([]);
  });

  it("writes no file outside its directories, whatever an object's name", () => {
    root = mkdtempSync(`${tmpdir()}/claude-k8s-state-`);
    const state = RuntimeStateDirectory.open(root);
    state.saveJob(job("../../escape"));
    expect(readdirSync(`${state.path}/jobs`)).toEqual(["local_..%2F..%2Fescape.json"]);
    expect(readdirSync(root).filter((name) => !name.startsWith("runtime-"))).toEqual([]);
  });
});
