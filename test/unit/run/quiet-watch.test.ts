import { describe, expect, it } from "vitest";
import { makeRequest, RunWorld } from "./run-world.js";

describe("a silently stalled watch", () => {
  it("a run whose watch goes quiet before its pod starts checks with GETs: its finished pod is seen within 40 s, no k8s_pod_start_timeout", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest({}, { podStartTimeoutSec: 600 }));
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.silenceWatches();
    const silencedAt = world.clock.monotonicMs();
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    const report = run.report!;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(world.clock.monotonicMs() - silencedAt).toBeLessThan(40_000);
    expect(world.statuses.some((line) => line.includes("the watch was quiet; a GET shows the pod"))).toBe(true);
  });

  it("with a start budget shorter than the quiet period, a GET before the timeout finds the pod that already finished", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest({}, { podStartTimeoutSec: 5 }));
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.silenceWatches();
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);

    expect(run.report!.outcome.failure).toBeNull();
    expect(world.statuses.join("\n")).not.toContain("did not start within");
  });
});
