import { describe, expect, it } from "vitest";
import { makeRequest, RunWorld } from "./run-world.js";

describe("a container that dies without a trailer", () => {
  it("a container killed by SIGKILL (OOMKilled, exit 137) ends the run within 5 s of its end, not after the full 30 s drain", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest({}, { drainTimeoutSec: 30 }));
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.startPod(world.jobName);
    world.files.append(world.paths().stdout, '{"type":"system","subtype":"init"}\n');
    world.files.append(world.paths().stderr, "");
    await world.clock.advance(1_000);
    world.kubernetes.terminatePod(world.jobName, { exitCode: 137, reason: "OOMKilled" });
    const diedAt = world.clock.monotonicMs();
    await world.clock.runUntil(() => run.report !== undefined);

    expect(run.report!.outcome.failure).not.toBeNull();
    expect(world.clock.monotonicMs() - diedAt).toBeLessThanOrEqual(6_000);
  });

  it("a container that exits on its own still gets the full drain window for its trailer", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest({}, { drainTimeoutSec: 30 }));
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.startPod(world.jobName);
    world.files.append(world.paths().stdout, '{"type":"system","subtype":"init"}\n');
    await world.clock.advance(1_000);
    world.kubernetes.terminatePod(world.jobName, { exitCode: 1, reason: "Error" });
    const endedAt = world.clock.monotonicMs();
    await world.clock.runUntil(() => run.report !== undefined);

    expect(run.report!.outcome.failure?.errorCode).toBe("k8s_pod_log_writer_died");
    expect(world.clock.monotonicMs() - endedAt).toBeGreaterThanOrEqual(30_000);
  });
});
