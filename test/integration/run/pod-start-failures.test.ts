import { afterEach, describe, expect, it } from "vitest";
import { ScriptedKubelet } from "../../support/loopback-kube-api/index.js";
import { NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

describe("a run whose pod never writes its log, through the real client-node", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("ends at once with k8s_image_pull_failed naming the image and the kubelet's reason; nothing left", async () => {
    const kubelet = new ScriptedKubelet({ kind: "imagePullFailure", reason: "ErrImagePull" });
    harness = await RunHarness.start({ kubelet });
    const report = await harness.start(harness.request()).done;

    expect(report.outcome.failure?.errorCode).toBe("k8s_image_pull_failed");
    expect(report.outcome.failure?.errorMessage).toMatch(
      /^Pod claude-agent-1-run-1-\S+ cannot pull image ghcr\.io\/paperclipai\/paperclip:2026\.916\.1: ErrImagePull: /,
    );
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("names a pod still unschedulable at the end of its start budget k8s_unschedulable with the scheduler's message", async () => {
    const kubelet = new ScriptedKubelet({
      kind: "unschedulable",
      message: "0/3 nodes are available: 3 Insufficient cpu.",
    });
    harness = await RunHarness.start({ kubelet });
    const report = await harness.start(harness.request({}, { podStartTimeoutSec: 1 })).done;

    expect(report.outcome.failure?.errorCode).toBe("k8s_unschedulable");
    expect(report.outcome.failure?.errorMessage).toContain(
      "cannot be scheduled: 0/3 nodes are available: 3 Insufficient cpu.",
    );
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("names a running pod whose log never appears k8s_pod_log_file_missing at logAppearTimeoutSec, without waiting for the pod to end", async () => {
    // The pod "runs" for a minute but writes nothing to the shared volume (like a pod writing to a
    // volume that is not the server's); the 30 s test timeout catches a run that waits for its end.
    const kubelet = new ScriptedKubelet({ kind: "run", runMs: 60_000, exitCode: 0 });
    harness = await RunHarness.start({ kubelet });
    const request = harness.request({}, { logAppearTimeoutSec: 1 });
    const run = harness.start(request);
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("k8s_pod_log_file_missing");
    expect(report.outcome.failure?.errorMessage).toBe(
      `Pod log file never appeared at ${harness.paths(request).stdout}`,
    );
    expect(run.statuses.filter((line) => line.includes("ended"))).toEqual([]);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });
});
