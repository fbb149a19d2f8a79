import { describe, expect, it } from "vitest";
import { LABEL_KEYS, MANAGED_BY_VALUE, ANNOTATION_KEYS } from "../../../src/domain/job/job-labels.js";
import { LiveRuns } from "../../../src/domain/run/live-runs.js";
import { RunCleanup, RETAINED_MARKER } from "../../../src/domain/run/run-cleanup.js";
import { RunReconciler } from "../../../src/domain/run/run-reconciler.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { ManualClock } from "../../fakes/manual-clock.js";

const ROOT = "/paperclip/run-logs";
const NAMESPACE = "paperclip";

function orphanJob(runId: string, suspend: boolean): Job {
  return {
    metadata: {
      name: `claude-${runId}`,
      labels: { [LABEL_KEYS.managedBy]: MANAGED_BY_VALUE, [LABEL_KEYS.runId]: runId },
      annotations: { [ANNOTATION_KEYS.runId]: runId },
    },
    spec: { suspend, template: { spec: { containers: [{ name: "claude", image: "x" }] } } },
  };
}

function world() {
  const kubernetes = new FakeKubernetes();
  kubernetes.createPodsOnResume = false;
  const files = new InMemoryFileSystem();
  const clock = new ManualClock(0);
  const liveRuns = new LiveRuns();
  const lines: string[] = [];
  const reconciler = new RunReconciler(kubernetes, files, clock, liveRuns, new RunCleanup(kubernetes, files, clock), {
    graceMs: 60_000,
    periodMs: 10_000,
    maxRemovalsPerSweep: 100,
    log: (line) => lines.push(line),
  });
  const runDirectory = (runId: string, names = ["stdout.ndjson", "prompt.md"]) => {
    const directory = `${ROOT}/company-1/agent-1/${runId}`;
    files.directories.add(directory);
    for (const name of names) files.append(`${directory}/${name}`, "x\n");
    return directory;
  };
  return { kubernetes, files, clock, liveRuns, reconciler, runDirectory, lines };
}

describe("the reconciler", () => {
  it("removes a dead server's suspended Job and orphaned run directory only after they stayed unclaimed for the grace period, and logs each removal", async () => {
    const w = world();
    await w.kubernetes.createJob(NAMESPACE, orphanJob("run-dead", true));
    const orphanDirectory = w.runDirectory("run-dead-files");

    const first = await w.reconciler.sweep(NAMESPACE, ROOT);
    expect(first.jobsDeleted).toEqual([]);
    expect(first.directoriesRemoved).toEqual([]);
    await w.clock.advance(59_000);
    expect((await w.reconciler.sweep(NAMESPACE, ROOT)).jobsDeleted).toEqual([]);
    await w.clock.advance(1_000);
    const late = await w.reconciler.sweep(NAMESPACE, ROOT);

    expect(late.jobsDeleted).toEqual(["claude-run-dead"]);
    expect(late.directoriesRemoved).toEqual([orphanDirectory]);
    expect(w.kubernetes.jobs.size).toBe(0);
    expect(w.files.paths().filter((p) => p.startsWith(orphanDirectory))).toEqual([]);
    expect(w.files.directories.has(orphanDirectory)).toBe(false);
    expect(w.lines.some((l) => l.includes("deleted orphaned Job paperclip/claude-run-dead"))).toBe(true);
    expect(w.files.unscopedCalls).toEqual([]);
  });

  it("keeps what is claimed: a running Job, a live run's directory, a present Job's directory and a retained run's files", async () => {
    const w = world();
    await w.kubernetes.createJob(NAMESPACE, orphanJob("run-running", false));
    const present = w.runDirectory("run-running");
    const live = w.runDirectory("run-live");
    const retained = w.runDirectory("run-retained", ["stdout.ndjson", RETAINED_MARKER]);
    const release = w.liveRuns.holdRun("run-live");

    await w.reconciler.sweep(NAMESPACE, ROOT);
    await w.clock.advance(120_000);
    const report = await w.reconciler.sweep(NAMESPACE, ROOT);
    release();

    expect(report).toEqual({ jobsDeleted: [], directoriesRemoved: [], problems: [] });
    expect(w.kubernetes.jobs.size).toBe(1);
    for (const directory of [present, live, retained]) expect(w.files.directories.has(directory)).toBe(true);
  });

  it("fails closed: when the Jobs cannot be listed, nothing is removed", async () => {
    const w = world();
    const directory = w.runDirectory("run-x");
    await w.reconciler.sweep(NAMESPACE, ROOT);
    await w.clock.advance(120_000);
    w.kubernetes.failNext("listJobs", "forbidden");
    const report = await w.reconciler.sweep(NAMESPACE, ROOT);

    expect(report.problems.join()).toContain("listing Jobs failed");
    expect(w.files.directories.has(directory)).toBe(true);
  });

  it("removes at most maxRemovalsPerSweep per sweep", async () => {
    const w = world();
    for (let i = 0; i < 150; i++) w.runDirectory(`run-${i}`);
    await w.reconciler.sweep(NAMESPACE, ROOT);
    await w.clock.advance(60_000);
    const first = await w.reconciler.sweep(NAMESPACE, ROOT);
    const second = await w.reconciler.sweep(NAMESPACE, ROOT);

    expect([first.directoriesRemoved.length, second.directoriesRemoved.length]).toEqual([100, 50]);
  });
});
