import { afterEach, describe, expect, it } from "vitest";
import { deliveredTranscript } from "../../support/run-harness/delivered-transcript.js";
import { eventually } from "../../support/eventually.js";
import { NOTHING_LEFT, RunHarness } from "../../support/run-harness/run-harness.js";

const slow = (ticks: number, tickMs: number) => ({
  CLAUDE_STAND_IN_SCENARIO: "slow",
  CLAUDE_STAND_IN_DURATION_S: String(ticks),
  CLAUDE_STAND_IN_TICK_MS: String(tickMs),
});

/**
 * timeout 6 s + grace 1 s + start budget 8 s: the longest the run may wait for its pod's end. The
 * deadline counts from the Job's start, so it leaves a sandboxed pod on a loaded CI machine time to
 * print its first lines before the faults begin.
 */
const SHORT_BOUNDS = { timeoutSec: 6, graceSec: 1, podStartTimeoutSec: 8 };

describe("a run while the apiserver misbehaves, through the real client-node", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  function failEveryRead(api: RunHarness["api"]): void {
    for (const resource of ["jobs", "pods"] as const) {
      api.failNext({ verb: "get", resource, status: 500, times: 1000 });
      api.failNext({ verb: "list", resource, status: 500, times: 1000 });
    }
  }

  it("returns k8s_api_error naming the failed Job read when every status read is a 500 and the watches drop", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request({}, { ...SHORT_BOUNDS, env: slow(600, 100) }));
    await eventually("claude's first lines", () => run.stdout.length >= 2);

    failEveryRead(harness.api);
    harness.api.dropWatches();
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("k8s_api_error");
    expect(report.outcome.failure?.errorMessage).toContain(
      `Kubernetes API readJob failed (500): readJob paperclip/${report.jobName}`,
    );
    // The fallback really read the Job (and failed), the informers really re-listed (and failed).
    const requests = harness.api.requests.snapshot();
    expect(requests["get jobs"]).toBeGreaterThan(1);
    expect(requests["list pods"]).toBeGreaterThan(1);
    harness.api.clearFaults();
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("returns k8s_pod_end_wait_expired at its bound when the watches stall silently and reads fail with 500", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request({}, { ...SHORT_BOUNDS, env: slow(600, 100) }));
    await eventually("claude's first lines", () => run.stdout.length >= 2);

    failEveryRead(harness.api);
    harness.api.stallWatches();
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("k8s_pod_end_wait_expired");
    expect(report.outcome.failure?.errorMessage).toContain(
      `Gave up after 15 s waiting for Job ${report.jobName} to end`,
    );
    harness.api.clearFaults();
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("rides out a burst of 500s on reads while the watches are down: retried, and the run still succeeds", async () => {
    harness = await RunHarness.start();
    const api = harness.api;
    const run = harness.start(harness.request({}, { env: slow(20, 100) }));
    await eventually("claude's first lines", () => run.stdout.length >= 2);

    for (const resource of ["jobs", "pods"] as const) api.failNext({ verb: "list", resource, status: 500, times: 2 });
    api.failNext({ verb: "get", resource: "jobs", status: 500, times: 2 });
    api.dropWatches();
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    expect(run.statuses.some((line) => line.includes("failed (server_error 500"))).toBe(true);
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", ...Array<string>(20).fill("assistant"), "result"]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("succeeds with every line delivered once when the watches drop and then resume into a 410 Gone", async () => {
    harness = await RunHarness.start();
    const api = harness.api;
    const run = harness.start(harness.request({}, { env: slow(40, 100) }));
    await eventually("claude's first lines", () => run.stdout.length >= 2);

    api.dropWatches();
    await eventually("both watches re-listed and re-opened", () => {
      const requests = api.requests.snapshot();
      return requests["watch jobs"] === 2 && requests["watch pods"] === 2 && api.openWatchCount === 2;
    });
    // A clean end makes client-node resume from its last resourceVersion, now compacted away: the
    // resumed watch gets 410 Gone, so each informer re-lists and opens a fourth watch.
    const listsBefore = api.requests.snapshot();
    api.expireWatchHistory();
    api.endWatches();
    await eventually("both informers resumed into the 410, re-listed and watch again", () => {
      const requests = api.requests.snapshot();
      return (
        requests["watch jobs"] === 4 &&
        requests["watch pods"] === 4 &&
        (requests["list jobs"] ?? 0) > (listsBefore["list jobs"] ?? 0) &&
        (requests["list pods"] ?? 0) > (listsBefore["list pods"] ?? 0)
      );
    });
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", ...Array<string>(40).fill("assistant"), "result"]);
    expect(new Set(transcript.uuids).size).toBe(42);
    expect(transcript.assistantTexts).toEqual(Array.from({ length: 40 }, (_, i) => `Still working (${i + 1}/40)…`));
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });
});
