/**
 * The FIFO scenario on the real file system, through whole runs (real client-node, real pods):
 * four runs whose pods put a FIFO at their trailer path, a benign run of another company, and a
 * probe standing for the rest of the Paperclip process (a small file read every 100 ms).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../../support/eventually.js";
import { startPoolProbe } from "../../support/probes/pool-probe.js";
import { RunHarness } from "../../support/run-harness/run-harness.js";

/** Long enough that a hostile run can only end early because its FIFO was refused. */
const SLOW = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "60", CLAUDE_STAND_IN_TICK_MS: "1000" };
const HOSTILE_END_BOUND_MS = 20_000;
const CANCEL_BOUND_MS = 10_000;

describe("pods that put a FIFO at their trailer path, through whole runs", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("attack: four FIFO trailers end their runs with k8s_pod_log_not_regular, a cancel returns in time, another company's run completes, and the probe never waits 100 ms", async () => {
    harness = await RunHarness.start();
    const h = harness;
    const probeFile = join(h.root, "probe.txt");
    await writeFile(probeFile, "probe");
    const probe = startPoolProbe(probeFile);
    await probe.ready;

    const server = h.server();
    const cancel = new AbortController();
    const hostileRequests = [0, 1, 2, 3].map((i) =>
      h.request(
        { tenantId: "company-hostile", agentId: `agent-h${i}`, runId: `run-h${i}`, taskId: `task-h${i}` },
        { env: SLOW },
      ),
    );
    const started = performance.now();
    const hostile = hostileRequests.map((request, i) =>
      h.start(request, { server, ...(i === 3 ? { signal: cancel.signal } : {}) }),
    );
    const benign = h.start(
      h.request({ tenantId: "company-benign", agentId: "agent-b", runId: "run-b", taskId: "task-b" }),
      { server },
    );

    // Each hostile pod plants its FIFO once its run's directory exists (the server wrote the prompt there).
    for (const request of hostileRequests) {
      const paths = h.paths(request);
      await eventually(`${request.runId}'s prompt`, () => existsSync(paths.prompt));
      await promisify(execFile)("mkfifo", [paths.trailer]);
    }
    const cancelledAt = performance.now();
    cancel.abort();
    const cancelledReport = await hostile[3]!.done;
    const cancelReturnedMs = performance.now() - cancelledAt;

    const reports = await Promise.all(hostile.slice(0, 3).map((run) => run.done));
    const hostileEndedMs = performance.now() - started;
    const benignReport = await benign.done;
    const waits = await probe.stop();

    for (const [i, report] of reports.entries()) {
      expect(report.outcome.failure?.errorCode).toBe("k8s_pod_log_not_regular");
      expect(report.outcome.failure?.errorMessage).toContain(
        `Run file ${h.paths(hostileRequests[i]!).trailer} is a FIFO, not a regular file with one link`,
      );
    }
    expect(hostileEndedMs).toBeLessThan(HOSTILE_END_BOUND_MS);
    expect(["cancelled", "k8s_pod_log_not_regular"]).toContain(cancelledReport.outcome.failure?.errorCode);
    expect(cancelReturnedMs).toBeLessThan(CANCEL_BOUND_MS);
    expect(benignReport.outcome.failure).toBeNull();
    expect(benignReport.tail?.stdout.bytes).toBe(benignReport.tail?.trailer?.stdoutBytes);
    expect(waits.length).toBeGreaterThan(5);
    console.log(
      `FIFO scenario: hostile runs ended in ${Math.round(hostileEndedMs)} ms, cancel returned in ${Math.round(cancelReturnedMs)} ms, probe max wait ${Math.max(...waits).toFixed(1)} ms over ${waits.length} reads`,
    );
    expect(Math.max(...waits)).toBeLessThan(100);
    const left = await h.leftoversAfterGrace();
    expect([left.jobs, left.pods, left.secrets, left.liveProcessGroups]).toEqual([[], [], [], []]);
  });
});
