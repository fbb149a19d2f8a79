/**
 * What dead servers leave behind — a Job that never got resumed, a finished Job nobody cleaned up,
 * their Secrets and run files — is swept by a restarted server's reconciler once its grace period
 * has passed, through the real client-node, the loopback apiserver and the real file system.
 */
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../support/eventually.js";
import { NAMESPACE, NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

describe("the reconciler, through the real client-node and the real file system", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("a restarted server sweeps a dead server's suspended Job, another's finished Job, their Secrets and every run file after the grace period", async () => {
    harness = await RunHarness.start();
    const api = harness.api;
    // Agent 1: the server dies while its resume is being retried (a suspended Job, its Secrets, files).
    api.failNext({ verb: "patch", resource: "jobs", status: 500, times: 1 });
    const dyingAtLaunch = harness.server();
    harness.start(harness.request({ runId: "run-a", agentId: "agent-1" }), { server: dyingAtLaunch });
    await eventually("resume refused", () => api.requests.get("patch jobs") >= 1);
    dyingAtLaunch.die();
    // Agent 2: the server dies mid-stream; the pod finishes on its own, nobody cleans up.
    const slow = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "1", CLAUDE_STAND_IN_TICK_MS: "100" };
    const dyingMidStream = harness.server();
    const streaming = harness.start(harness.request({ runId: "run-b", agentId: "agent-2" }, { env: slow }), {
      server: dyingMidStream,
    });
    await eventually("run-b streaming", () => streaming.stdout.length >= 1);
    dyingMidStream.die();
    await eventually(
      "run-b's Job finished",
      () => api.list("jobs", NAMESPACE).some((job) => job.status?.conditions?.some((c) => c.type === "Complete")),
      20_000,
    );
    expect((await harness.leftovers()).files.length).toBeGreaterThan(0);

    // A restarted server runs agent 3; its reconciler starts sweeping with that run.
    const restarted = harness.server({ reconciler: { graceMs: 1_000, periodMs: 250 } });
    const report = await harness.start(harness.request({ runId: "run-c", agentId: "agent-3" }), { server: restarted })
      .done;
    expect(report.outcome.failure).toBeNull();
    const left = await eventually(
      "everything swept",
      async () => {
        const now = await harness!.leftoversAfterGrace(0);
        return JSON.stringify(now) === JSON.stringify(NOTHING_LEFT) ? now : undefined;
      },
      15_000,
    );
    expect(left).toEqual(NOTHING_LEFT);
  });
});
