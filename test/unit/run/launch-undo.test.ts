import { describe, expect, it } from "vitest";
import { makeRequest, RunWorld } from "./run-world.js";

describe("A launch never leaves what it created", () => {
  it("a launch that fails after the Job exists retries its undo until the Job is deleted", async () => {
    const world = new RunWorld();
    world.kubernetes.failNext("createOwnedSecret", "forbidden");
    world.kubernetes.failNext("deleteJob", "server_error", 2);
    const run = world.start(makeRequest());
    await world.clock.runUntil(() => run.report !== undefined);
    const report = run.report!;

    expect(report.outcome.failure?.errorCode).toBe("k8s_api_error");
    expect(report.outcome.failure?.errorMessage).toContain("injected forbidden on createOwnedSecret");
    expect(world.kubernetes.calls.filter((c) => c.operation === "deleteJob").length).toBeGreaterThanOrEqual(3);
    expect(world.kubernetes.jobs.size).toBe(0);
    expect(world.kubernetes.secrets.size).toBe(0);
  });

  it("an undo that keeps failing reports the leftover suspended Job by name, with the command that removes it", async () => {
    const world = new RunWorld();
    world.kubernetes.failNext("resumeJob", "forbidden");
    world.kubernetes.failNext("deleteJob", "forbidden", 10);
    const run = world.start(makeRequest());
    await world.clock.runUntil(() => run.report !== undefined);
    const failure = run.report!.outcome.failure!;
    const [job] = world.kubernetes.jobs.values();
    const name = job!.metadata.name!;

    expect(failure.errorCode).toBe("k8s_launch_undo_failed");
    expect(failure.errorMessage).toContain(`Job paperclip/${name} is left behind suspended`);
    expect(failure.errorMessage).toContain(`kubectl delete job -n paperclip ${name}`);
    expect(failure.errorMessage).toContain("injected forbidden on resumeJob");
  });

  it("a lost create answer plus one failed read of the Job is recognised as this run's own Job, never 'another run'", async () => {
    const world = new RunWorld();
    world.kubernetes.loseNextAnswer("createJob");
    world.kubernetes.failNext("readJob", "timeout");
    const run = world.start(makeRequest());
    await world.clock.runUntil(() => world.kubernetes.podOf(world.jobName) !== undefined);
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    const report = run.report!;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(world.statuses.join("\n")).toContain("already exists for this run; continuing with it");
    expect(world.kubernetes.calls.filter((c) => c.operation === "createJob")).toHaveLength(2);
    expect(world.kubernetes.jobs.size).toBe(0);
  });

  it("a Job holding this run's name that cannot be read is named as possibly this run's own, not another run's", async () => {
    const world = new RunWorld();
    world.kubernetes.loseNextAnswer("createJob");
    world.kubernetes.failNext("readJob", "forbidden");
    const run = world.start(makeRequest());
    await world.clock.runUntil(() => run.report !== undefined);
    const failure = run.report!.outcome.failure!;

    expect(failure.errorCode).toBe("k8s_api_error");
    expect(failure.errorMessage).not.toContain("another run");
    expect(failure.errorMessage).toContain("may be this run's own");
  });
});
