import { describe, expect, it } from "vitest";
import {
  awaitPodTermination,
  type AwaitPodTerminationRequest,
  type PodTerminationOutcome,
} from "../../../src/domain/cluster/await-pod-termination.js";
import { ClusterWatchHub, type ClusterWatchHubOptions } from "../../../src/domain/cluster/cluster-watch-hub.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { ManualClock, flushAsync } from "../../fakes/manual-clock.js";
import { SELECTOR, runJob } from "./run-fixtures.js";

const NS = "paperclip";

async function world(hubOptions: Partial<ClusterWatchHubOptions> = {}) {
  const kubernetes = new FakeKubernetes();
  const clock = new ManualClock(0);
  const hub = new ClusterWatchHub(kubernetes, clock, { labelSelector: SELECTOR, ...hubOptions });
  await kubernetes.createJob(NS, runJob("run-1"));
  kubernetes.startPod("run-1");
  const phases: string[] = [];
  const controller = new AbortController();
  let outcome: PodTerminationOutcome | undefined;
  const wait = (request: Partial<AwaitPodTerminationRequest> = {}) => {
    void awaitPodTermination(hub, kubernetes, clock, {
      namespace: NS,
      jobName: "run-1",
      maxWaitMs: 3_600_000,
      signal: controller.signal,
      status: (line) => void phases.push(line),
      ...request,
    }).then((o) => (outcome = o));
  };
  const readJobCalls = () => kubernetes.calls.filter((c) => c.operation === "readJob").length;
  return { kubernetes, clock, hub, phases, controller, wait, readJobCalls, result: () => outcome };
}

/** The main container ends but the Job's condition is not (yet) updated: only a pod event tells. */
function containerExits(kubernetes: FakeKubernetes, exitCode: number): void {
  kubernetes.setPodStatus("run-1", {
    phase: exitCode === 0 ? "Succeeded" : "Failed",
    containerStatuses: [{ name: "claude", state: { terminated: { exitCode, reason: "Error" } } }],
  });
}

describe("awaitPodTermination", () => {
  it("resolves with the main container's terminated state and logs how the pod ended", async () => {
    const w = await world();
    w.wait();
    await flushAsync();
    expect(w.result()).toBeUndefined();
    containerExits(w.kubernetes, 3);
    await flushAsync();
    expect(w.result()).toMatchObject({ kind: "ended", container: { exitCode: 3 }, jobCondition: null });
    expect(w.phases).toEqual([
      expect.stringMatching(/^\[claude-k8s\] pod run-1-\S+ ended: its container exited with code 3 \(Error\)$/),
    ]);
    expect(w.readJobCalls()).toBe(0);
  });

  it("still resolves when the container ended while the watch was down (410), once the restart re-lists", async () => {
    const w = await world();
    w.wait();
    await flushAsync();
    w.kubernetes.breakWatches("gone");
    containerExits(w.kubernetes, 0);
    await flushAsync();
    expect(w.result()).toBeUndefined();
    await w.clock.advance(1_000);
    expect(w.result()).toMatchObject({ kind: "ended", container: { exitCode: 0 } });
  });

  it("resolves on the Job's Failed condition (DeadlineExceeded) with its reason", async () => {
    const w = await world();
    w.wait();
    w.kubernetes.setJobCondition("run-1", {
      type: "Failed",
      status: "True",
      reason: "DeadlineExceeded",
      message: "Job was active longer than specified deadline",
    });
    await flushAsync();
    expect(w.result()).toMatchObject({
      kind: "ended",
      container: null,
      jobCondition: { reason: "DeadlineExceeded" },
      detail: "Job failed: DeadlineExceeded: Job was active longer than specified deadline",
    });
  });

  it("fails with k8s_job_deleted_externally when the Job disappears", async () => {
    const w = await world();
    w.wait();
    await flushAsync();
    w.kubernetes.deleteJobExternally("run-1");
    await flushAsync();
    expect(w.result()).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_job_deleted_externally" } });
  });

  it("asks the API once when the watch never saw the Job, and reports it gone", async () => {
    const w = await world();
    w.kubernetes.deleteJobExternally("run-1");
    w.wait();
    await flushAsync();
    expect(w.readJobCalls()).toBe(1);
    expect(w.result()).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_job_deleted_externally" } });
  });

  it("while the watch is down, finds the finished Job with a fallback GET before the watch is back", async () => {
    const w = await world({ restartBackoffMs: { initial: 60_000, max: 60_000 } });
    w.wait({ fallbackIntervalMs: { initial: 2_000, max: 2_000 } });
    await flushAsync();
    w.kubernetes.breakWatches("server_error");
    await flushAsync();
    w.kubernetes.setJobCondition("run-1", { type: "Complete", status: "True" });
    await w.clock.advance(2_000);
    expect(w.result()).toMatchObject({ kind: "ended", jobCondition: { type: "Complete" } });
    expect(w.readJobCalls()).toBe(2);
    expect(w.clock.now()).toBe(2_000);
  });

  it("never hangs when every status read returns 500: a named k8s_api_error at its bound", async () => {
    const w = await world();
    w.kubernetes.failNext("readJob", "server_error", 1_000_000);
    w.kubernetes.failNext("listJobs", "server_error", 1_000_000);
    w.kubernetes.failNext("listPods", "server_error", 1_000_000);
    w.wait({ maxWaitMs: 300_000 });
    await flushAsync();
    w.kubernetes.breakWatches("server_error");
    await w.clock.runUntil(() => w.result() !== undefined);
    expect(w.clock.now()).toBe(300_000);
    const outcome = w.result();
    expect(outcome).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_api_error" } });
    if (outcome?.kind !== "failed") throw new Error("unreachable");
    expect(outcome.failure.errorMessage).toBe(
      "Kubernetes API readJob failed (500): injected server_error on readJob. Check the API server and the adapter's RBAC.",
    );
    expect(w.readJobCalls()).toBeGreaterThan(4);
    expect(w.phases.some((line) => line.includes("readJob failed (server_error 500"))).toBe(true);
  });

  it("gives up with k8s_pod_end_wait_expired naming the last state when nothing ends within its bound", async () => {
    const w = await world();
    w.wait({ maxWaitMs: 10_000 });
    await w.clock.advance(10_000);
    expect(w.result()).toMatchObject({ kind: "failed", failure: { errorCode: "k8s_pod_end_wait_expired" } });
    if (w.result()?.kind !== "failed") throw new Error("unreachable");
    expect(JSON.stringify(w.result())).toMatch(/last state: pod run-1-\S+ Running/);
  });

  it("returns cancelled on abort and leaves no watch or timer behind", async () => {
    const w = await world();
    w.wait();
    await flushAsync();
    w.kubernetes.breakWatches("server_error");
    await flushAsync();
    w.controller.abort();
    await flushAsync();
    expect(w.result()).toEqual({ kind: "cancelled" });
    expect(w.kubernetes.activeWatchCount).toBe(0);
    expect(w.clock.pendingSleeps).toBe(0);
  });
});
