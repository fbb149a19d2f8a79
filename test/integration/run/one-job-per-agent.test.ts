/**
 * One running Job per agent across server processes: two servers launch the same agent at the same
 * moment through the real client-node and the loopback apiserver; the API server's create-once of
 * the agent's run slot lets exactly one pod run.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

describe("one running Job per agent, across two server processes", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("two servers starting runs of one agent at the same moment: one runs claude, the other is k8s_concurrent_run_blocked, 3 pairs out of 3", async () => {
    harness = await RunHarness.start();
    for (let pair = 0; pair < 3; pair++) {
      const podsBefore = harness.podRunner.startedCount;
      const a = harness.start(harness.request({ runId: `run-a${pair}`, taskId: "task-a" }));
      const b = harness.start(harness.request({ runId: `run-b${pair}`, taskId: "task-b" }));
      const reports = await Promise.all([a.done, b.done]);
      const codes = reports.map((report) => report.outcome.failure?.errorCode ?? "success").sort();

      expect(codes).toEqual(["k8s_concurrent_run_blocked", "success"]);
      expect(harness.podRunner.startedCount - podsBefore).toBe(1);
      expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
    }
  });
});
