import { describe, expect, it } from "vitest";
import { makeRequest, RunWorld } from "./run-world.js";

describe("retainJobs", () => {
  it("keeps the run's files; the finished Job keeps its TTL, and the agent's next run frees the run slot by deleting it, the files still kept", async () => {
    const world = new RunWorld();
    const first = world.start(makeRequest({ runId: "run-1" }, { retainJobs: true, ttlSecondsAfterFinished: 900 }));
    await world.playPod({ runId: "run-1" });
    await world.clock.runUntil(() => first.report !== undefined);
    const [retained] = world.kubernetes.jobs.values();
    expect(first.report!.cleanup.retained).toBe(true);
    expect(retained?.spec.ttlSecondsAfterFinished).toBe(900);
    const retainedFiles = world.files.paths().sort();
    expect(retainedFiles).toContain(world.paths("run-1").stdout);

    const second = world.start(makeRequest({ runId: "run-2", taskId: "task-2" }));
    await world.clock.runUntil(
      () => world.kubernetes.podOf(world.jobName) !== undefined && world.jobName !== retained?.metadata.name,
    );
    await world.playPod({ runId: "run-2" });
    await world.clock.runUntil(() => second.report !== undefined);

    expect(second.report!.outcome.failure).toBeNull();
    expect(world.statuses.some((line) => line.includes("still holds the run slot"))).toBe(true);
    expect(world.kubernetes.jobs.size).toBe(0);
    expect(world.files.paths().sort()).toEqual(retainedFiles);
  });
});
