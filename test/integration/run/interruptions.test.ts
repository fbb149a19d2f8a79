import { afterEach, describe, expect, it } from "vitest";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { eventually } from "../../support/eventually.js";
import { NAMESPACE, NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

const SLOW = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "60", CLAUDE_STAND_IN_TICK_MS: "100" };

describe("a run interrupted mid-way, through the real client-node and real pods", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("acknowledges a cancel mid-run: cancelled, the Job and its Secret gone, no process left", async () => {
    harness = await RunHarness.start();
    const cancel = new AbortController();
    const run = harness.start(harness.request({}, { env: SLOW }), { signal: cancel.signal });
    await eventually("claude's first lines", () => run.stdout.length >= 2);
    expect(harness.podRunner.liveProcessGroups()).toHaveLength(1);

    cancel.abort();
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("cancelled");
    expect(report.outcome.failure?.errorMessage).toBe(
      `Run cancelled by the operator; Job ${report.jobName} was deleted.`,
    );
    expect(report.outcome.cancellation?.state).toBe("acknowledged");
    expect(run.statuses).toContain(`[claude-k8s] cancel requested: deleting Job ${NAMESPACE}/${report.jobName}`);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("names a Job deleted by an operator mid-run k8s_job_deleted_externally and still removes the run's files", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request({}, { env: SLOW }));
    await eventually("claude's first lines", () => run.stdout.length >= 2);
    const operator = new ClientNodeKubernetes({ kubeConfig: harness.api.kubeConfig(NAMESPACE), namespace: NAMESPACE });
    const [jobName = ""] = harness.jobNames();

    expect(await operator.deleteJob(NAMESPACE, jobName, "Background")).toBe(true);
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("k8s_job_deleted_externally");
    expect(report.outcome.failure?.errorMessage).toContain(`Job ${jobName} was deleted by someone other than`);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });
});
