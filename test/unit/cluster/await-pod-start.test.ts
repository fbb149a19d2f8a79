import { describe, expect, it } from "vitest";
import { awaitPodStart, type PodStartOutcome } from "../../../src/domain/cluster/await-pod-start.js";
import { ClusterWatchHub } from "../../../src/domain/cluster/cluster-watch-hub.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { ManualClock, flushAsync } from "../../fakes/manual-clock.js";
import { SELECTOR, runJob } from "./run-fixtures.js";

const NS = "paperclip";

async function world() {
  const kubernetes = new FakeKubernetes();
  const clock = new ManualClock(0);
  const hub = new ClusterWatchHub(kubernetes, clock, { labelSelector: SELECTOR });
  await kubernetes.createJob(NS, runJob("run-1"));
  const phases: string[] = [];
  const controller = new AbortController();
  let outcome: PodStartOutcome | undefined;
  const start = (budgetMs = 600_000, extra: { unschedulableGraceMs?: number } = {}) => {
    void awaitPodStart(hub, clock, {
      namespace: NS,
      jobName: "run-1",
      budgetMs,
      signal: controller.signal,
      status: (line) => void phases.push(line),
      ...extra,
    }).then((o) => (outcome = o));
  };
  return { kubernetes, clock, hub, phases, controller, start, result: () => outcome };
}

describe("awaitPodStart", () => {
  it("resolves when the pod runs, logging the node it was scheduled on and that it runs", async () => {
    const w = await world();
    w.start();
    await flushAsync();
    expect(w.result()).toBeUndefined();
    w.kubernetes.startPod("run-1", "node-b");
    await flushAsync();
    expect(w.result()).toEqual({ kind: "running", podName: expect.stringMatching(/^run-1-/), nodeName: "node-b" });
    expect(w.phases).toEqual([
      expect.stringMatching(/^\[claude-k8s\] pod run-1-\S+ scheduled on node node-b$/),
      expect.stringMatching(/^\[claude-k8s\] pod run-1-\S+ running on node node-b$/),
    ]);
    expect(w.hub.stats().subscribers).toBe(0);
  });

  it("ends early with k8s_image_pull_failed as soon as the kubelet reports it", async () => {
    const w = await world();
    w.start();
    w.kubernetes.setPodWaiting("run-1", "ImagePullBackOff", "pull access denied");
    await flushAsync();
    expect(w.result()).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_image_pull_failed" } });
    expect(w.clock.now()).toBe(0);
  });

  it("fails with k8s_pod_start_timeout naming the last state exactly when the budget expires", async () => {
    const w = await world();
    w.start(120_000);
    w.kubernetes.setPodWaiting("run-1", "ContainerCreating");
    await w.clock.advance(119_999);
    expect(w.result()).toBeUndefined();
    await w.clock.advance(1);
    const outcome = w.result();
    expect(outcome).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_pod_start_timeout" } });
    if (outcome?.kind !== "failed") throw new Error("unreachable");
    expect(outcome.failure.errorMessage).toMatch(
      /^Pod for Job run-1 did not start within 120 s \(last state: pod run-1-\S+ Pending, ContainerCreating, not scheduled yet; see kubectl describe pod run-1-\S+ -n paperclip\)\.$/,
    );
    expect(w.clock.pendingSleeps).toBe(0);
  });

  it("returns cancelled when the caller aborts, and leaves no watch or timer behind", async () => {
    const w = await world();
    w.start();
    await flushAsync();
    w.controller.abort();
    await flushAsync();
    expect(w.result()).toEqual({ kind: "cancelled" });
    expect(w.kubernetes.activeWatchCount).toBe(0);
    expect(w.clock.pendingSleeps).toBe(0);
  });

  it("returns cancelled at once, without watching, when already aborted", async () => {
    const w = await world();
    w.controller.abort();
    w.start();
    await flushAsync();
    expect(w.result()).toEqual({ kind: "cancelled" });
    expect(w.kubernetes.calls.some((c) => c.operation === "watchJobs")).toBe(false);
  });

  it("fails with k8s_job_deleted_externally when the Job is deleted while the pod starts", async () => {
    const w = await world();
    w.start();
    await flushAsync();
    w.kubernetes.deleteJobExternally("run-1");
    await flushAsync();
    expect(w.result()).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_job_deleted_externally" } });
  });

  it("holds an unschedulable pod for its grace (autoscaler) and then fails with the scheduler's message", async () => {
    const w = await world();
    w.start(600_000, { unschedulableGraceMs: 90_000 });
    w.kubernetes.setPodUnschedulable("run-1", "0/2 nodes are available: 2 Insufficient memory.");
    await w.clock.advance(89_999);
    expect(w.result()).toBeUndefined();
    expect(w.phases).toEqual([expect.stringContaining("Waiting up to 90 s for capacity.")]);
    await w.clock.advance(1);
    const outcome = w.result();
    expect(outcome).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_unschedulable" } });
    if (outcome?.kind !== "failed") throw new Error("unreachable");
    expect(outcome.failure.errorMessage).toContain("2 Insufficient memory.");
  });

  it("starts normally when capacity arrives within the unschedulable grace", async () => {
    const w = await world();
    w.start();
    w.kubernetes.setPodUnschedulable("run-1", "0/2 nodes are available.");
    await w.clock.advance(200_000);
    w.kubernetes.startPod("run-1", "new-node");
    await flushAsync();
    expect(w.result()).toMatchObject({ kind: "running", nodeName: "new-node" });
  });

  it("reports an unschedulable pod at budget expiry as k8s_unschedulable rather than a bare timeout", async () => {
    const w = await world();
    w.start(60_000);
    w.kubernetes.setPodUnschedulable("run-1", "node(s) didn't match Pod's node affinity/selector");
    await w.clock.advance(60_000);
    expect(w.result()).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_unschedulable" } });
  });

  it("returns terminated when the pod already finished before it was seen running", async () => {
    const w = await world();
    w.kubernetes.terminatePod("run-1", { exitCode: 0 });
    w.start();
    await flushAsync();
    expect(w.result()).toEqual({ kind: "terminated", podName: expect.stringMatching(/^run-1-/) });
  });

  it("says in the timeout that the cluster watch was failing when it was", async () => {
    const w = await world();
    w.kubernetes.failNext("listJobs", "forbidden", 1_000);
    w.start(30_000);
    await flushAsync();
    w.kubernetes.breakWatches("forbidden");
    await w.clock.advance(30_000);
    expect(JSON.stringify(w.result())).toContain("the cluster watch was failing at the time");
  });

  it("still resolves when the caller's log sink throws or rejects", async () => {
    const w = await world();
    const outcomes: PodStartOutcome[] = [];
    for (const status of [
      () => {
        throw new Error("sink broken");
      },
      () => Promise.reject(new Error("sink rejected")),
    ]) {
      void awaitPodStart(w.hub, w.clock, { namespace: NS, jobName: "run-1", budgetMs: 1_000, status }).then((o) =>
        outcomes.push(o),
      );
    }
    w.kubernetes.startPod("run-1");
    await flushAsync();
    expect(outcomes.map((o) => o.kind)).toEqual(["running", "running"]);
  });
});
