import { afterEach, describe, expect, it } from "vitest";
import { deliveredTranscript } from "../../support/run-harness/delivered-transcript.js";
import { NAMESPACE, NOTHING_LEFT, RUN_TOKEN, RunHarness } from "../../support/run-harness/run-harness.js";

describe("a run's outcome through the real client-node, loopback apiserver, real files and the dash run script", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("succeeds with usage, cost and session; every line delivered once, whole and in order; nothing left", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request());
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(report.outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.outcome.usage).toEqual({ inputTokens: 240, outputTokens: 80, cachedInputTokens: 2048 });
    expect(report.outcome.costUsd).toBe(0.002534);
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", "assistant", "assistant", "user", "assistant", "result"]);
    expect(transcript.malformedChunks).toEqual([]);
    expect(new Set(transcript.uuids).size).toBe(6);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(run.statuses.at(-1)).toBe("[claude-k8s] cleaned up");
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("delivers a 2 MiB tool_result line whole, multi-byte characters intact, as one chunk", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request({}, { env: { CLAUDE_STAND_IN_SCENARIO: "huge-line" } }));
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", "assistant", "assistant", "user", "assistant", "result"]);
    expect(transcript.malformedChunks).toEqual([]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    const toolResult = run.stdout[3] ?? "";
    expect(Buffer.byteLength(toolResult)).toBeGreaterThan(2 * 1024 * 1024);
    expect(toolResult).toContain("café ✓ 🚀");
    expect(toolResult).not.toContain("\uFFFD");
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("names claude's exit 1 claude_failed with its exit code and last stderr line, its stderr delivered, and leaves nothing", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request({}, { env: { CLAUDE_STAND_IN_SCENARIO: "exit-1" } }));
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("claude_failed");
    expect(report.outcome.failure?.errorMessage).toBe(
      `Claude exited with code 1 in Job ${report.jobName}: result error_during_execution with is_error: ` +
        "no message; last error line: Error: STAND-IN simulated crash during execution",
    );
    expect(report.outcome.exitCode).toBe(1);
    expect(run.stderr).toEqual(["Error: STAND-IN simulated crash during execution\n"]);
    expect(deliveredTranscript(run.stdout).types.at(-1)).toBe("result");
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("names claude killed by SIGKILL (137) claude_truncated, keeping the lines written before the kill", async () => {
    harness = await RunHarness.start();
    const run = harness.start(harness.request({}, { env: { CLAUDE_STAND_IN_SCENARIO: "sigkill" } }));
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("claude_truncated");
    expect(report.outcome.failure?.errorMessage).toContain("claude was killed by SIGKILL (exit 137");
    expect(report.outcome.exitCode).toBe(137);
    expect(report.outcome.signal).toBe("SIGKILL");
    expect(report.tail?.trailer?.exitCode).toBe(137);
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", "assistant"]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("names a run past its deadline timeout (timedOut) once the Job's activeDeadlineSeconds kills the pod", async () => {
    harness = await RunHarness.start();
    const slow = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "60", CLAUDE_STAND_IN_TICK_MS: "200" };
    const run = harness.start(harness.request({}, { timeoutSec: 2, env: slow }));
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("timeout");
    expect(report.outcome.failure?.errorMessage).toContain("Run exceeded its 2 s timeout");
    expect(report.outcome.timedOut).toBe(true);
    // The run script still closed the log and wrote its trailer when the deadline's SIGTERM came.
    expect(report.tail?.trailer?.exitCode).toBe(143);
    expect(deliveredTranscript(run.stdout).bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(await harness.leftoversAfterGrace()).toEqual(NOTHING_LEFT);
  });

  it("keeps the Job, its token-holding Secret and the run's files with retainJobs, but no process outlives the pod", async () => {
    harness = await RunHarness.start();
    const request = harness.request({}, { retainJobs: true });
    const report = await harness.start(request).done;

    expect(report.outcome.failure).toBeNull();
    expect(report.cleanup.retained).toBe(true);
    const paths = harness.paths(request);
    const left = await harness.leftoversAfterGrace();
    expect(left.jobs).toEqual([report.jobName]);
    // The token-holding Secret and the agent's run slot, both owned by the Job.
    expect(left.secrets).toHaveLength(2);
    expect(left.files.sort()).toEqual(
      // The retained marker keeps the reconciler away from these files.
      [paths.directory, paths.prompt, paths.stderr, paths.stdout, paths.trailer, `${paths.directory}/retained`].sort(),
    );
    expect(left.liveProcessGroups).toEqual([]);
    // The run token travels only in the run's Secret, never in the Job.
    expect(JSON.stringify(harness.api.get("jobs", NAMESPACE, report.jobName ?? ""))).not.toContain(RUN_TOKEN);
    const tokenSecret = left.secrets.find((name) => name.endsWith("-run-secret"));
    const secret = harness.api.get("secrets", NAMESPACE, tokenSecret ?? "");
    const decoded = Object.values(secret?.data ?? {}).map((value) => Buffer.from(value, "base64").toString("utf8"));
    expect(decoded).toContain(RUN_TOKEN);
  });
});
