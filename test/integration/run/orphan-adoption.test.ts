/**
 * A server that dies mid-run leaves its Job behind; the restarted server's next run of the same
 * agent and task must do the right thing with it whatever state it is in, through the real
 * client-node, the loopback apiserver and real pods.
 */
import { afterEach, describe, expect, it } from "vitest";
import { deliveredTranscript } from "../../support/run-harness/delivered-transcript.js";
import { eventually } from "../../support/eventually.js";
import { NAMESPACE, NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

/** Stand-in ticks of 100 ms: the pod outlives the mid-stream kill by well over a second. */
const HARVEST_TICKS = 20;

describe("adopting the orphan a dead server left behind", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("a suspended orphan (server died between create and resume) is replaced at once, and the new run's claude runs", async () => {
    harness = await RunHarness.start();
    const api = harness.api;
    // Server A's resume is refused once; it dies while it waits to retry, its Job still suspended.
    api.failNext({ verb: "patch", resource: "jobs", status: 500, times: 1 });
    const serverA = harness.server();
    harness.start(harness.request({ runId: "run-a" }), { server: serverA });
    await eventually("A's resume refused", () => api.requests.get("patch jobs") >= 1);
    serverA.die();
    const [orphan] = api.list("jobs", NAMESPACE);
    expect(orphan?.spec.suspend).toBe(true);

    const started = Date.now();
    const runB = harness.start(harness.request({ runId: "run-b" }, { podStartTimeoutSec: 60 }));
    const report = await runB.done;

    expect(report.outcome.failure).toBeNull();
    expect(report.reattachedFromRunId).toBeNull();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(
      runB.statuses.some((line) => line.includes(`replacing suspended Job ${NAMESPACE}/${orphan?.metadata.name}`)),
    ).toBe(true);
    expect(deliveredTranscript(runB.stdout).types.at(-1)).toBe("result");
    expect(harness.podRunner.startedCount).toBe(1);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  // The server must die mid-stream: claude still writing, no trailer read, nothing cleaned. With a
  // stand-in of only 2 ticks, one tailer poll often delivered the whole stream, and under load the
  // server had reached its cleanup — its Job DELETE sent — before the kill (see the next test).
  // 20 ticks keep the pod running ~1.6 s past the kill, and the premise is asserted, not assumed.
  it("a finished orphan of the same task is harvested: its transcript replayed, its outcome reported, claude not run again, then cleaned up", async () => {
    harness = await RunHarness.start();
    const slow = {
      CLAUDE_STAND_IN_SCENARIO: "slow",
      CLAUDE_STAND_IN_DURATION_S: String(HARVEST_TICKS),
      CLAUDE_STAND_IN_TICK_MS: "100",
    };
    const serverA = harness.server();
    const runA = harness.start(harness.request({ runId: "run-a" }, { env: slow }), { server: serverA });
    await eventually("run-a streaming", () => runA.stdout.length >= 2);
    serverA.die();
    expect(runA.statuses.filter((line) => line.includes("trailer received"))).toEqual([]);
    const api = harness.api;
    const finished = () =>
      api.list("jobs", NAMESPACE).some((job) => job.status?.conditions?.some((c) => c.type === "Complete"));
    await eventually("orphan finished", finished, 20_000);
    // Server A was killed before its cleanup: it never sent a DELETE.
    expect(api.requests.get("delete jobs") ?? 0).toBe(0);

    const runB = harness.start(harness.request({ runId: "run-b" }, { env: slow }));
    const report = await runB.done;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(report.reattachedFromRunId).toBe("run-a");
    expect(runB.statuses.some((line) => line.includes("harvesting finished Job"))).toBe(true);
    const transcript = deliveredTranscript(runB.stdout);
    expect(transcript.types).toEqual(["system", ...Array<string>(HARVEST_TICKS).fill("assistant"), "result"]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    // One pod ever ran: the task was executed once.
    expect(harness.podRunner.startedCount).toBe(1);
    expect(harness.api.requests.get("create jobs")).toBe(1);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  // The window that stays: a server killed after its cleanup's Job DELETE landed but before its
  // run returned leaves no Job to harvest (its task id and session lived on the Job), so the
  // re-queued run launches claude again. The kill is made deterministic here by holding the DELETE
  // at the apiserver. What must hold even then: the re-queued run is right and nothing leaks.
  it("D2 window: a server killed after its cleanup deleted the finished Job — the re-queued run succeeds on its own Job (claude runs again: the known limit) and the reconciler sweeps the orphan's files", async () => {
    harness = await RunHarness.start();
    const api = harness.api;
    const quick = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "2", CLAUDE_STAND_IN_TICK_MS: "100" };
    api.delayNext({ verb: "delete", resource: "jobs", ms: 300 });
    const serverA = harness.server();
    harness.start(harness.request({ runId: "run-a" }, { env: quick }), { server: serverA });
    await eventually("A's cleanup sent its DELETE", () => (api.requests.get("delete jobs") ?? 0) >= 1, 20_000);
    serverA.die();
    await eventually("the DELETE landed", () => api.list("jobs", NAMESPACE).length === 0);

    const restarted = harness.server({ reconciler: { graceMs: 500, periodMs: 200 } });
    const runB = harness.start(harness.request({ runId: "run-b" }, { env: quick }), { server: restarted });
    const report = await runB.done;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(report.reattachedFromRunId).toBeNull();
    expect(harness.podRunner.startedCount).toBe(2);
    const runADirectory = `${harness.runLogRoot}/company-1/agent-1/run-a`;
    await eventually("the reconciler swept run-a's files", async () =>
      (await harness!.leftovers()).files.every((file) => !file.startsWith(runADirectory)),
    );
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });
});
