import { describe, expect, it } from "vitest";
import { makeRequest, RunWorld } from "./run-world.js";

describe("cleanup after the pod has stopped", () => {
  it("after a cancel, the run's files go only once the pod stopped: the trailer it writes on its way out (exit 143) does not survive", async () => {
    const world = new RunWorld();
    world.kubernetes.podsStopSlowly = true;
    const controller = new AbortController();
    const run = world.start(makeRequest(), controller.signal);
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    const jobName = world.jobName;
    world.kubernetes.startPod(jobName);
    world.files.append(world.paths().stdout, '{"type":"system"}\n');
    await world.clock.advance(1_000);
    controller.abort();
    await world.clock.advance(5_000);
    // The Job is gone but its pod is still stopping: nothing is cleaned up yet.
    expect(world.kubernetes.jobs.size).toBe(0);
    expect(run.report).toBeUndefined();
    // On SIGTERM the run script writes its trailer, then the container stops.
    world.files.append(world.paths().trailer, '{"version":1,"exitCode":143,"stdoutBytes":18,"stderrBytes":0}');
    world.kubernetes.finishStopping(jobName);
    await world.clock.runUntil(() => run.report !== undefined);

    expect(run.report!.outcome.failure?.errorCode).toBe("cancelled");
    expect(run.report!.cleanup.problems).toEqual([]);
    expect(world.files.paths()).toEqual([]);
  });

  it("a pod that never reports stopping holds the cleanup at most 45 s, and the run names it", async () => {
    const world = new RunWorld();
    world.kubernetes.podsStopSlowly = true;
    const controller = new AbortController();
    const run = world.start(makeRequest(), controller.signal);
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.startPod(world.jobName);
    controller.abort();
    const cancelledAt = world.clock.monotonicMs();
    await world.clock.runUntil(() => run.report !== undefined);

    expect(world.clock.monotonicMs() - cancelledAt).toBeLessThanOrEqual(46_000);
    expect(run.report!.cleanup.problems.join("\n")).toContain("was still stopping when its files were removed");
  });

  it("the cancel listener is removed when the run ends: a cancel after the run returned sends no DELETE", async () => {
    const world = new RunWorld();
    const controller = new AbortController();
    const run = world.start(makeRequest(), controller.signal);
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    const deletesBefore = world.kubernetes.calls.filter((c) => c.operation === "deleteJob").length;
    controller.abort();
    await world.clock.advance(10_000);

    expect(world.kubernetes.calls.filter((c) => c.operation === "deleteJob")).toHaveLength(deletesBefore);
  });

  it("an unlink refused once by a permission blip is retried: no file is left", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.playPod();
    world.files.failNext("unlink", "EACCES", { times: 2 });
    world.files.failNext("unlink", "EIO", { path: world.paths().trailer });
    await world.clock.runUntil(() => run.report !== undefined);

    expect(run.report!.outcome.failure).toBeNull();
    expect(run.report!.cleanup.problems).toEqual([]);
    expect(world.files.paths()).toEqual([]);
  });
});
