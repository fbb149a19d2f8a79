import { describe, expect, it } from "vitest";
import { makeRequest, RunWorld, TRANSCRIPT } from "./run-world.js";

describe("RunOrchestrator on fakes", () => {
  it("runs a Job end to end: every line in order, a truthful success, and nothing left behind", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    const report = run.report!;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(report.outcome.sessionId).toBe("3f1c2a4e-0000-4000-8000-000000000001");
    expect(report.outcome.costUsd).toBe(0.0125);
    expect(world.logs.filter(([s]) => s === "stdout").map(([, c]) => c)).toEqual(TRANSCRIPT.map((l) => `${l}\n`));
    expect(world.kubernetes.jobs.size).toBe(0);
    expect(world.kubernetes.secrets.size).toBe(0);
    expect(world.files.paths()).toEqual([]);
    expect(world.statuses.some((s) => s.includes("created"))).toBe(true);
    expect(world.statuses.at(-1)).toBe("[claude-k8s] cleaned up");
  });

  it("writes the pod's end status line after the transcript it describes, even when the cluster reports the end first", async () => {
    const world = new RunWorld();
    const sequence: string[] = [];
    const observer = {
      ...world.observer,
      onLog: async (_stream: string, chunk: string) => void sequence.push(...chunk.split("\n").filter(Boolean)),
      onStatus: async (line: string) => void sequence.push(line),
    };
    let report: unknown;
    void world.orchestrator.run(makeRequest(), observer, new AbortController().signal).then((r) => (report = r));
    await world.playPod();
    await world.clock.runUntil(() => report !== undefined);
    const lastTranscriptLine = sequence.indexOf(TRANSCRIPT.at(-1)!);
    const podEnded = sequence.findIndex((line) => /^\[claude-k8s\] .*pod \S+ ended/.test(line));
    expect(lastTranscriptLine).toBeGreaterThanOrEqual(0);
    expect(podEnded, sequence.join("\n")).toBeGreaterThan(lastTranscriptLine);
  });

  it("creates the run's directory, workspace and agent home (owner and group only) before the Job, and removes the run's directory after", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.until(() => world.kubernetes.jobs.size > 0, "Job created");
    const paths = world.paths();
    const home = "/paperclip/claude-k8s/companies/company-1/agents/agent-1/home";
    const workspace = "/paperclip/instances/default/workspaces/agent-1";
    for (const directory of [paths.directory, workspace, home]) {
      expect(world.files.directoryModes.get(directory)?.toString(8)).toBe("770");
    }
    expect(world.files.mode(paths.prompt)?.toString(8)).toBe("640");
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    expect(world.files.directories.has(paths.directory)).toBe(false);
    expect(world.files.directories.has(home)).toBe(true);
    expect(run.report!.cleanup.problems).toEqual([]);
  });

  it("reports, and never recursively deletes, a run directory holding something the pod planted", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.until(() => world.kubernetes.jobs.size > 0, "Job created");
    world.files.append(`${world.paths().directory}/planted`, "x");
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    expect(world.files.exists(`${world.paths().directory}/planted`)).toBe(true);
    expect(run.report!.cleanup.problems.join("\n")).toContain(`run directory ${world.paths().directory} not removed`);
  });

  it("creates the Job suspended, then the agent's run slot and the Secret owned by it, then resumes it", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    const order = world.kubernetes.calls.map((c) => c.operation).filter((op) => /create|resume/.test(op));
    expect(order).toEqual(["createJob", "createOwnedSecret", "createOwnedSecret", "resumeJob"]);
    const secrets = world.kubernetes.calls.filter((c) => c.operation === "createOwnedSecret").map((c) => c.detail);
    expect(secrets[0]).toMatch(/^claude-slot-agent-1-[a-z0-9]{10}$/);
    expect(secrets[1]).toMatch(/^claude-agent-1-run-1-[a-z0-9]{10}-run-secret$/);
  });

  it("refuses an unsafe run id before touching the cluster", async () => {
    const world = new RunWorld();
    const report = await world.orchestrator.run(
      makeRequest({ runId: "../etc" }),
      world.observer,
      new AbortController().signal,
    );
    expect(report.outcome.failure?.errorCode).toBe("invalid_run_input");
    expect(report.outcome.failure?.errorMessage).toContain("Invalid runId for log path: ../etc");
    expect(world.kubernetes.calls).toEqual([]);
  });

  it("refuses an oversize prompt before touching the cluster or the volume", async () => {
    const world = new RunWorld();
    const request = makeRequest({ prompt: "x".repeat(2048) }, { maxPromptBytes: 1024 });
    const report = await world.orchestrator.run(request, world.observer, new AbortController().signal);
    expect(report.outcome.failure?.errorCode).toBe("prompt_too_large");
    expect(world.kubernetes.calls).toEqual([]);
    expect(world.files.paths()).toEqual([]);
  });

  it("acknowledges a cancel: the Job is deleted at once and the run reports cancelled", async () => {
    const world = new RunWorld();
    const controller = new AbortController();
    const run = world.start(makeRequest(), controller.signal);
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.startPod(world.jobName);
    await world.clock.advance(1000);
    controller.abort();
    await world.clock.runUntil(() => run.report !== undefined);
    expect(run.report!.outcome.failure?.errorCode).toBe("cancelled");
    expect(run.report!.outcome.cancellation?.state).toBe("acknowledged");
    expect(world.kubernetes.jobs.size).toBe(0);
  });

  it("names a Job deleted by someone else", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.startPod(world.jobName);
    world.files.append(world.paths().stdout, `${TRANSCRIPT[0]}\n`);
    await world.clock.advance(1000);
    world.kubernetes.deleteJobExternally(world.jobName);
    await world.clock.runUntil(() => run.report !== undefined);
    expect(run.report!.outcome.failure?.errorCode).toBe("k8s_job_deleted_externally");
    expect(world.files.paths()).toEqual([]);
  });

  it("ends early with the pod's own reason when the image cannot be pulled, and deletes the Job", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.setPodWaiting(world.jobName, "ErrImagePull", 'pull access denied for "nope"');
    await world.clock.runUntil(() => run.report !== undefined);
    expect(run.report!.outcome.failure?.errorCode).toBe("k8s_image_pull_failed");
    expect(run.report!.outcome.failure?.errorMessage).toContain("pull access denied");
    expect(world.kubernetes.jobs.size).toBe(0);
  });

  it("blocks a run while another task's Job of the same agent is running, creating nothing", async () => {
    const world = new RunWorld();
    const first = world.start(makeRequest({ runId: "run-1", taskId: "task-1" }));
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "first pod created");
    const second = await world.orchestrator.run(
      makeRequest({ runId: "run-2", taskId: "task-2" }),
      world.observer,
      new AbortController().signal,
    );
    expect(second.outcome.failure?.errorCode).toBe("k8s_concurrent_run_blocked");
    expect(world.kubernetes.jobs.size).toBe(1);
    await world.playPod();
    await world.clock.runUntil(() => first.report !== undefined);
  });

  it("reattaches to an orphaned Job of the same task and follows THAT Job's log from byte 0", async () => {
    const world = new RunWorld();
    const orphan = world.start(makeRequest({ runId: "run-old" }), undefined, world.otherServer());
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "orphan pod created");
    // The server restarts: a new run of the same agent and task arrives while the orphan runs.
    const createsBefore = world.kubernetes.calls.filter((c) => c.operation === "createJob").length;
    const adopted = world.start(makeRequest({ runId: "run-new" }));
    await world.until(() => world.statuses.some((s) => s.includes("reattached")), "reattached");
    await world.playPod({ runId: "run-old" });
    await world.clock.runUntil(() => adopted.report !== undefined && orphan.report !== undefined);
    expect(adopted.report!.reattachedFromRunId).toBe("run-old");
    expect(adopted.report!.outcome.failure).toBeNull();
    expect(world.kubernetes.calls.filter((c) => c.operation === "createJob").length).toBe(createsBefore);
    const adoptedLines = world.logs.filter(([stream]) => stream === "stdout").map(([, chunk]) => chunk);
    // Both the orphan's own follower and the adopting run deliver the whole transcript from byte 0.
    expect(adoptedLines.filter((chunk) => chunk === `${TRANSCRIPT[2]}\n`)).toHaveLength(2);
  });

  it("returns instead of hanging when status reads fail with 500 while the watch is down", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest({}, { timeoutSec: 60, graceSec: 5, podStartTimeoutSec: 30 }));
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    world.kubernetes.startPod(world.jobName);
    world.files.append(world.paths().stdout, `${TRANSCRIPT[0]}\n`);
    await world.clock.advance(500);
    world.kubernetes.failNext("readJob", "server_error", 10_000);
    world.kubernetes.failNext("listJobs", "server_error", 10_000);
    world.kubernetes.breakWatches("server_error");
    await world.clock.runUntil(() => run.report !== undefined);
    expect(run.report!.outcome.failure).not.toBeNull();
    expect(world.logs.length).toBeGreaterThan(0);
  });

  it("keeps the Job and its files when retainJobs is set", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest({}, { retainJobs: true }));
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
    expect(run.report!.cleanup.retained).toBe(true);
    expect(world.kubernetes.jobs.size).toBe(1);
    expect(world.files.exists(world.paths().stdout)).toBe(true);
  });

  it("never puts the run token into the Job or its pod spec", async () => {
    const world = new RunWorld();
    const run = world.start(makeRequest());
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    const job = [...world.kubernetes.jobs.values()][0];
    expect(JSON.stringify(job)).not.toContain("run-token-secret-value");
    expect(JSON.stringify(world.launches)).not.toContain("run-token-secret-value");
    await world.playPod();
    await world.clock.runUntil(() => run.report !== undefined);
  });

  it("still completes truthfully when the host fails to record status lines", async () => {
    const world = new RunWorld();
    const failingStatus = { ...world.observer, onStatus: async () => Promise.reject(new Error("host log store down")) };
    let report: Awaited<ReturnType<typeof world.orchestrator.run>> | undefined;
    void world.orchestrator.run(makeRequest(), failingStatus, new AbortController().signal).then((r) => (report = r));
    await world.playPod();
    await world.clock.runUntil(() => report !== undefined);
    expect(report!.outcome.failure).toBeNull();
    expect(world.logs.filter(([s]) => s === "stdout")).toHaveLength(TRANSCRIPT.length);
  });

  it("acknowledges a cancel that arrives before launch without creating anything", async () => {
    const world = new RunWorld();
    const controller = new AbortController();
    controller.abort();
    const report = await world.orchestrator.run(makeRequest(), world.observer, controller.signal);
    expect(report.outcome.failure?.errorCode).toBe("cancelled");
    expect(report.outcome.cancellation?.state).toBe("acknowledged");
    expect(world.kubernetes.calls.map((c) => c.operation)).not.toContain("createJob");
  });

  it("still runs and cleans up when the host fails to record the invocation", async () => {
    const world = new RunWorld();
    const observer = { ...world.observer, onLaunched: async () => Promise.reject(new Error("meta store down")) };
    let report: Awaited<ReturnType<typeof world.orchestrator.run>> | undefined;
    void world.orchestrator.run(makeRequest(), observer, new AbortController().signal).then((r) => (report = r));
    await world.playPod();
    await world.clock.runUntil(() => report !== undefined);
    expect(report!.outcome.failure).toBeNull();
    expect(world.kubernetes.jobs.size).toBe(0);
  });

  it("reports a cancel during pod start as cancelled, not as a Job deleted by someone else", async () => {
    const world = new RunWorld();
    const controller = new AbortController();
    const run = world.start(makeRequest(), controller.signal);
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "pod created");
    controller.abort();
    await world.clock.runUntil(() => run.report !== undefined);
    expect(run.report!.outcome.failure?.errorCode).toBe("cancelled");
    expect(run.report!.outcome.cancellation?.state).toBe("acknowledged");
    expect(world.kubernetes.jobs.size).toBe(0);
  });
});
