import { afterEach, describe, expect, it } from "vitest";
import { deliveredTranscript } from "../../support/run-harness/delivered-transcript.js";
import { NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

describe("10 concurrent runs on one server, through the real client-node and real pods", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("all succeed with complete, ordered logs over exactly one Job watch and one Pod watch, and leave nothing", async () => {
    harness = await RunHarness.start();
    const server = harness.server();
    const runs = Array.from({ length: 10 }, (_, i) =>
      harness!.start(harness!.request({ runId: `run-${i}`, agentId: `agent-${i}`, taskId: `task-${i}` }), { server }),
    );
    const reports = await Promise.all(runs.map((run) => run.done));

    expect(reports.map((report) => report.outcome.failure)).toEqual(Array(10).fill(null));
    for (const [i, run] of runs.entries()) {
      const transcript = deliveredTranscript(run.stdout);
      expect(transcript.types).toEqual(["system", "assistant", "assistant", "user", "assistant", "result"]);
      expect(transcript.malformedChunks).toEqual([]);
      expect(transcript.bytes).toBe(reports[i]?.tail?.trailer?.stdoutBytes);
    }
    expect(new Set(reports.map((report) => report.outcome.sessionId)).size).toBe(10);
    const requests = harness.api.requests.snapshot();
    expect([requests["create jobs"], requests["watch jobs"], requests["watch pods"]]).toEqual([10, 1, 1]);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });
});
