import { afterEach, describe, expect, it } from "vitest";
import { deliveredTranscript } from "../../support/run-harness/delivered-transcript.js";
import { eventually } from "../../support/eventually.js";
import { NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

describe("reattaching after a server restart, through the real client-node and real pods", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("a restarted server adopts the orphaned Job of the same task, follows ITS log from byte 0, creates no second Job, and cleans up", async () => {
    harness = await RunHarness.start();
    const slow = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "15", CLAUDE_STAND_IN_TICK_MS: "100" };
    // Server A launches run-a, streams a few lines, then its process dies: nothing of it acts
    // again (no API call, no file read, no cleanup), so its Job is left running as an orphan.
    const serverA = harness.server();
    const runA = harness.start(harness.request({ runId: "run-a" }, { env: slow }), { server: serverA });
    await eventually("run-a streaming", () => runA.stdout.length >= 2);
    serverA.die();
    const orphanPaths = harness.paths(harness.request({ runId: "run-a" }));

    // The restarted server gets a new run of the same agent and task.
    const requestB = harness.request({ runId: "run-b" }, { env: slow });
    const runB = harness.start(requestB);
    const report = await runB.done;

    expect(report.reattachedFromRunId).toBe("run-a");
    expect(report.outcome.failure).toBeNull();
    expect(runB.statuses.some((line) => line.startsWith("[claude-k8s] reattached to running Job"))).toBe(true);
    const requests = harness.api.requests.snapshot();
    expect([requests["create jobs"], requests["delete jobs"]]).toEqual([1, 1]);
    // The dead server never finished its run (nor cleaned up): only B did.
    expect(await Promise.race([runA.done.then(() => "returned"), Promise.resolve("still pending")])).toBe(
      "still pending",
    );
    const transcript = deliveredTranscript(runB.stdout);
    expect(transcript.types).toEqual(["system", ...Array<string>(15).fill("assistant"), "result"]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    // B followed and then removed the ORPHAN's files; it never made files of its own.
    expect(report.tail?.stdout.bytes).toBe(transcript.bytes);
    const left = await harness.leftoversAfterGrace();
    expect(left).toEqual(NOTHING_LEFT);
    expect(left.files).not.toContain(orphanPaths.stdout);
  });
});
