import { describe, expect, it } from "vitest";
import { createContainer } from "../../../src/container.js";
import type { RunReport } from "../../../src/domain/run/agent-run-request.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { makeRequest, RunWorld, TRANSCRIPT } from "./run-world.js";

const noop = { onLog: async () => undefined, onStatus: async () => undefined };

/** Plays whichever pods exist until every run has reported. */
async function settle(world: RunWorld, runs: Array<Promise<RunReport>>): Promise<RunReport[]> {
  let done = false;
  const all = Promise.all(runs).then((reports) => ((done = true), reports));
  for (let step = 0; step < 200 && !done; step++) {
    for (const job of world.kubernetes.jobs.values()) {
      const name = job.metadata.name ?? "";
      const pod = world.kubernetes.podOf(name);
      if (pod && !pod.status?.containerStatuses?.some((c) => c.state?.terminated)) {
        const runId = job.metadata.annotations?.["paperclip.io/run-id"] ?? "";
        world.kubernetes.startPod(name);
        const paths = world.paths(runId);
        const stdout = TRANSCRIPT.map((line) => `${line}\n`).join("");
        const stdoutBytes = new TextEncoder().encode(stdout).length;
        world.files.append(paths.stdout, stdout);
        world.files.append(paths.stderr, "");
        world.files.append(paths.trailer, JSON.stringify({ version: 1, exitCode: 0, stdoutBytes, stderrBytes: 0 }));
        world.kubernetes.terminatePod(name, { exitCode: 0, reason: "Completed" });
      }
    }
    await world.clock.advance(250);
  }
  return all;
}

describe("one running Job per agent, atomically", () => {
  it("two runs of one agent started at the same moment in one process: exactly one launches, 10 pairs out of 10", async () => {
    for (let pair = 0; pair < 10; pair++) {
      const world = new RunWorld();
      const signal = new AbortController().signal;
      const a = world.orchestrator.run(makeRequest({ runId: `run-a${pair}`, taskId: "task-a" }), noop, signal);
      const b = world.orchestrator.run(makeRequest({ runId: `run-b${pair}`, taskId: "task-b" }), noop, signal);
      const reports = await settle(world, [a, b]);

      const blocked = reports.filter((r) => r.outcome.failure?.errorCode === "k8s_concurrent_run_blocked");
      expect(blocked).toHaveLength(1);
      expect(world.kubernetes.calls.filter((c) => c.operation === "createJob")).toHaveLength(1);
      expect(world.kubernetes.jobs.size + world.kubernetes.secrets.size).toBe(0);
    }
  });

  it("two servers launching the same agent at the same moment: the API server gives the run slot to one, the other undoes its Job, 10 pairs out of 10", async () => {
    for (let pair = 0; pair < 10; pair++) {
      const world = new RunWorld();
      const other = createContainer({
        bindings: { kubernetes: world.kubernetes, fileSystem: world.files, clock: world.clock },
      }).get(RunOrchestrator);
      const signal = new AbortController().signal;
      const a = world.orchestrator.run(makeRequest({ runId: `run-a${pair}`, taskId: "task-a" }), noop, signal);
      const b = other.run(makeRequest({ runId: `run-b${pair}`, taskId: "task-b" }), noop, signal);
      const reports = await settle(world, [a, b]);

      const blocked = reports.filter((r) => r.outcome.failure?.errorCode === "k8s_concurrent_run_blocked");
      const succeeded = reports.filter((r) => r.outcome.failure === null);
      expect([blocked.length, succeeded.length]).toEqual([1, 1]);
      // Both guards saw no Job, both created one: the slot, not the guard, kept the second from running.
      expect(world.kubernetes.calls.filter((c) => c.operation === "createJob")).toHaveLength(2);
      expect(world.kubernetes.calls.filter((c) => c.operation === "resumeJob")).toHaveLength(1);
      expect(world.kubernetes.jobs.size + world.kubernetes.secrets.size).toBe(0);
    }
  });
});
