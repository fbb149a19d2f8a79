import { describe, expect, it } from "vitest";
import { executionResult } from "../../../src/paperclip/execution-result.js";
import { makeRequest, RunWorld, TRANSCRIPT } from "./run-world.js";

const SERVER_SESSION = "3f1c2a4e-0000-4000-8000-000000000001";
const PLANTED_SESSION = "66666666-6666-4666-8666-666666666666";

async function runWith(options: Parameters<RunWorld["playPod"]>[0], request = makeRequest()) {
  const world = new RunWorld();
  const run = world.start(request);
  await world.playPod(options);
  await world.clock.runUntil(() => run.report !== undefined);
  return { world, report: run.report! };
}

describe("attack: the pod forges its outcome", () => {
  it("prints a successful result and writes a trailer with exit 0, then is killed (exit 137): not succeeded", async () => {
    const { world, report } = await runWith({ exitCode: 0, container: { exitCode: 137, reason: "Error" } });

    expect(report.outcome.failure?.errorCode).toBe("k8s_exit_code_mismatch");
    expect(report.outcome.failure?.errorMessage).toContain("trailer claims claude exited with code 0");
    expect(report.outcome.failure?.errorMessage).toContain("exited with code 137");
    expect(report.outcome.exitCode).toBe(137);
    expect(report.outcome.signal).toBe("SIGKILL");
    expect(report.outcome.processExit.source).toBe("kubernetes");
    expect(world.statuses).toContain(
      "[claude-k8s] exit code mismatch: the pod's trailer claims 0, Kubernetes reports 137",
    );
    const result = executionResult(report, { cwd: "/paperclip", configDir: null });
    expect(result.exitCode).not.toBe(0);
    expect(result.resultJson?.exitCodeMismatch).toEqual({ claimedByPod: 0, container: 137 });
  });

  it("takes the exit code from Kubernetes, not the trailer, when a failed run's trailer claims otherwise", async () => {
    const { report } = await runWith({
      lines: [TRANSCRIPT[0]!],
      exitCode: 0,
      container: { exitCode: 2, reason: "Error" },
    });
    expect(report.outcome.failure).not.toBeNull();
    expect(report.outcome.processExit.exitCode).toBe(2);
    expect(report.outcome.exitCodeMismatch).toEqual({ claimedByPod: 0, container: 2 });
  });

  it("an honest run (trailer and container agree) still succeeds", async () => {
    const { report } = await runWith({});
    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCodeMismatch).toBeNull();
  });
});

describe("attack: the pod plants a session id for the next run to resume", () => {
  const planted = (line: string) => line.replaceAll(SERVER_SESSION, PLANTED_SESSION);

  it("starts a fresh session with the server-chosen --session-id", async () => {
    const { world } = await runWith({});
    const argv = world.launches[0]?.command ?? [];
    expect(argv).toContain("--session-id");
    expect(argv[argv.indexOf("--session-id") + 1]).toBe(SERVER_SESSION);
    expect(argv).not.toContain("--resume");
  });

  it("ignores a different session id in the result event, keeps the server's, and names the planted one", async () => {
    const lines = [TRANSCRIPT[0]!, TRANSCRIPT[1]!, planted(TRANSCRIPT[2]!)];
    const { world, report } = await runWith({ lines });

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.sessionId).toBe(SERVER_SESSION);
    expect(report.outcome.ignoredSessionIds).toEqual([PLANTED_SESSION]);
    const result = executionResult(report, { cwd: "/paperclip", configDir: null });
    expect(result.sessionId).toBe(SERVER_SESSION);
    expect(JSON.stringify(result.sessionParams)).not.toContain(PLANTED_SESSION);
    expect(result.resultJson?.ignoredSessionIds).toEqual([PLANTED_SESSION]);
    expect(world.statuses.some((line) => line.includes(`ignored session id ${PLANTED_SESSION}`))).toBe(true);
  });

  it("saves no session when the stream only ever reported a planted one", async () => {
    const { report } = await runWith({ lines: TRANSCRIPT.map(planted) });
    expect(report.outcome.sessionId).toBeNull();
    expect(report.outcome.ignoredSessionIds).toEqual([PLANTED_SESSION]);
  });

  it("keeps the resumed session when the pod reports another one", async () => {
    const resumed = "0b9e4c1d-3a2f-4d8e-8c71-6f5a2e9b0d14";
    const { world, report } = await runWith(
      { lines: TRANSCRIPT.map(planted) },
      makeRequest({ resumeSessionId: resumed }),
    );
    const argv = world.launches[0]?.command ?? [];
    expect(argv[argv.indexOf("--resume") + 1]).toBe(resumed);
    expect(argv).not.toContain("--session-id");
    expect(report.outcome.sessionId).toBe(resumed);
  });
});

describe("cost and usage are the agent's word", () => {
  it("marks them as reported by the agent in the result", async () => {
    const { report } = await runWith({});
    const result = executionResult(report, { cwd: "/paperclip", configDir: null });
    expect(result.costUsd).toBe(0.0125);
    expect(result.resultJson).toMatchObject({
      costReportedBy: "agent",
      usageReportedBy: "agent",
      exitCodeSource: "kubernetes",
    });
  });

  it("keeps the marks even when the pod's result event tries to set them itself", async () => {
    const forged = TRANSCRIPT[2]!.replace('"result":"Done."', '"result":"Done.","costReportedBy":"kubernetes"');
    const { report } = await runWith({ lines: [TRANSCRIPT[0]!, TRANSCRIPT[1]!, forged] });
    expect(executionResult(report, { cwd: "/paperclip", configDir: null }).resultJson?.costReportedBy).toBe("agent");
  });
});
