/**
 * The informer-backed watches through the real client-node. Also documents what client-node 1.4's
 * ListWatch does by itself: a clean end of stream resumes from the last resourceVersion; a 410
 * re-lists; a reset connection or any other failure stops it and is reported once via onError.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import type { KubernetesApiError, WatchObserver } from "../../../src/ports/kubernetes-port.js";
import { podStatus, ScriptedKubelet } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, RUN_LABEL, sleep, startWorld, suspendedJob, type World } from "./world.js";

interface Recorder<T> extends WatchObserver<T> {
  readonly events: string[];
  readonly errors: KubernetesApiError[];
}

function recorder<T extends Pod | Job>(describeObject: (o: T) => string): Recorder<T> {
  const events: string[] = [];
  const errors: KubernetesApiError[] = [];
  return {
    events,
    errors,
    onEvent: (type, object) => events.push(`${type} ${describeObject(object)}`),
    onError: (error) => errors.push(error),
  };
}

const podPhase = (p: Pod) => `${p.metadata.labels?.["job-name"]} ${p.status?.phase}`;
const jobState = (j: Job) =>
  `${j.metadata.name} ${j.status?.conditions?.find((c) => c.status === "True" && (c.type === "Complete" || c.type === "Failed"))?.type ?? (j.spec.suspend ? "suspended" : "active")}`;

describe("ClientNodeKubernetes watches (client-node informer) against the loopback apiserver", () => {
  let world: World;
  let kubelet: ScriptedKubelet;
  beforeEach(async () => {
    kubelet = new ScriptedKubelet({ kind: "manual" });
    world = await startWorld({ kubelet });
  });
  afterEach(() => world.close());

  async function runningPod(jobName: string): Promise<Pod> {
    await world.kubernetes.createJob(NAMESPACE, suspendedJob(jobName));
    await world.kubernetes.resumeJob(NAMESPACE, jobName);
    return eventually(() => world.api.podsOf(jobName, NAMESPACE)[0]);
  }
  const advance = (pod: Pod, status: ReturnType<typeof podStatus.running>) =>
    kubelet.report(pod.metadata.name ?? "", status);

  it("delivers existing objects first as ADDED, only those matching the label selector", async () => {
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-1"));
    await world.kubernetes.createJob(NAMESPACE, {
      ...suspendedJob("other"),
      metadata: { name: "other", labels: { x: "y" } },
    });
    const jobs = recorder<Job>(jobState);

    const subscription = world.kubernetes.watchJobs(NAMESPACE, RUN_LABEL, jobs);
    await eventually(() => world.api.openWatchCount === 1);
    subscription.stop();

    expect(jobs.events).toEqual(["ADDED run-1 suspended"]);
    expect(world.api.requests.snapshot()).toMatchObject({ "list jobs": 1, "watch jobs": 1 });
  });

  it("delivers every pod transition as MODIFIED, in order, as the kubelet advances the pod", async () => {
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);

    const pod = await runningPod("run-2");
    const startedAt = podStatus.now();
    advance(pod, podStatus.running(pod, startedAt));
    advance(pod, podStatus.terminated(pod, 0, startedAt));

    await eventually(() => pods.events.includes("MODIFIED run-2 Succeeded"));
    subscription.stop();
    expect(pods.events).toEqual(["ADDED run-2 Pending", "MODIFIED run-2 Running", "MODIFIED run-2 Succeeded"]);
    expect(pods.errors).toEqual([]);
  });

  it("delivers the Job's Complete condition and its DELETED when it is deleted", async () => {
    const jobs = recorder<Job>(jobState);
    const subscription = world.kubernetes.watchJobs(NAMESPACE, RUN_LABEL, jobs);
    await eventually(() => world.api.openWatchCount === 1);

    const pod = await runningPod("run-3");
    advance(pod, podStatus.terminated(pod, 0, podStatus.now()));
    await eventually(() => jobs.events.includes("MODIFIED run-3 Complete"));
    await world.kubernetes.deleteJob(NAMESPACE, "run-3", "Background");

    await eventually(() => jobs.events.includes("DELETED run-3 Complete"));
    subscription.stop();
  });

  it("a cleanly ended stream resumes transparently from the last resourceVersion, without a re-list", async () => {
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);
    const pod = await runningPod("run-4");
    await eventually(() => pods.events.length === 1);

    expect(world.api.endWatches()).toBe(1);
    advance(pod, podStatus.running(pod, podStatus.now()));

    await eventually(() => pods.events.includes("MODIFIED run-4 Running"));
    subscription.stop();
    expect(pods.errors).toEqual([]);
    expect(world.api.requests.get("list pods")).toBe(1);
    expect(world.api.requests.get("watch pods")).toBe(2);
  });

  it("a 410 on resume re-lists and delivers the state reached meanwhile, losing no terminal transition", async () => {
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);
    const pod = await runningPod("run-5");
    await eventually(() => pods.events.length === 1);

    // The pod finishes while the stream is silent; then history is compacted and the stream ends.
    world.api.stallWatches();
    advance(pod, podStatus.terminated(pod, 0, podStatus.now()));
    world.api.expireWatchHistory();
    world.api.endWatches();

    await eventually(() => pods.events.includes("MODIFIED run-5 Succeeded"));
    subscription.stop();
    expect(pods.errors).toEqual([]);
    expect(world.api.requests.get("list pods")).toBe(2);
  });

  it("a watch request answered HTTP 410 re-lists and carries on instead of failing", async () => {
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-10"));
    world.api.failNext({ verb: "watch", resource: "jobs", status: 410 });
    const jobs = recorder<Job>(jobState);

    const subscription = world.kubernetes.watchJobs(NAMESPACE, RUN_LABEL, jobs);
    await eventually(() => world.api.openWatchCount === 1);
    await world.kubernetes.resumeJob(NAMESPACE, "run-10");

    await eventually(() => jobs.events.includes("MODIFIED run-10 active"));
    subscription.stop();
    expect(jobs.errors).toEqual([]);
    expect(world.api.requests.snapshot()).toMatchObject({ "list jobs": 2, "watch jobs": 2 });
  });

  it("credentials that fail while re-opening a resumed watch are reported via onError, never thrown", async () => {
    const base = world.api.kubeConfig(NAMESPACE);
    const original = base.applyToFetchOptions.bind(base);
    let refuse = false;
    // The API clients authenticate elsewhere; only Watch builds its request with this.
    base.applyToFetchOptions = async (options) => {
      if (refuse) throw new Error("exec plugin: token refresh failed");
      return original(options);
    };
    const kubernetes = new ClientNodeKubernetes({ kubeConfig: base, namespace: NAMESPACE });
    const pods = recorder<Pod>(podPhase);
    const subscription = kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);

    refuse = true;
    world.api.endWatches();

    await eventually(() => pods.errors.length === 1);
    subscription.stop();
    expect(pods.errors[0]?.message).toContain("token refresh failed");
    expect(world.api.requests.get("watch pods")).toBe(1);
  });

  it("a reset connection stops the informer and is reported once as a transient network error", async () => {
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);

    expect(world.api.dropWatches()).toBe(1);
    await eventually(() => pods.errors.length === 1);
    await runningPod("run-6");
    await sleep(100);

    expect(pods.errors[0]).toMatchObject({ kind: "network", transient: true, operation: "watch" });
    expect(pods.errors[0]?.message).toContain("/api/v1/namespaces/agents/pods");
    expect(pods.events).toEqual([]);
    expect(world.api.openWatchCount).toBe(0);
    expect(world.api.requests.get("watch pods")).toBe(1);
    subscription.stop();
  });

  it("a watch request answered 500 or a list answered 403 is reported via onError with its kind", async () => {
    world.api.failNext({ verb: "watch", resource: "pods", status: 500 });
    const pods = recorder<Pod>(podPhase);
    const podSubscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    world.api.failNext({ verb: "list", resource: "jobs", status: 403 });
    const jobs = recorder<Job>(jobState);
    const jobSubscription = world.kubernetes.watchJobs(NAMESPACE, RUN_LABEL, jobs);

    await eventually(() => pods.errors.length === 1 && jobs.errors.length === 1);
    podSubscription.stop();
    jobSubscription.stop();

    expect(pods.errors[0]).toMatchObject({ kind: "server_error", status: 500 });
    expect(jobs.errors[0]).toMatchObject({ kind: "forbidden", status: 403 });
    expect(jobs.errors[0]?.message).toContain("listJobs");
  });

  it("after stop() nothing is delivered and no watch connection stays open", async () => {
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);

    subscription.stop();
    await runningPod("run-7");
    await eventually(() => world.api.openWatchCount === 0, 2_000);
    await sleep(50);

    expect(pods.events).toEqual([]);
    expect(pods.errors).toEqual([]);
  });

  it("stop() during the initial list delivers nothing and never opens the watch", async () => {
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-8"));
    world.api.delayNext({ verb: "list", resource: "jobs", ms: 150 });
    const jobs = recorder<Job>(jobState);

    const subscription = world.kubernetes.watchJobs(NAMESPACE, RUN_LABEL, jobs);
    await sleep(20);
    subscription.stop();
    await sleep(300);

    expect(jobs.events).toEqual([]);
    expect(jobs.errors).toEqual([]);
    expect(world.api.requests.get("watch jobs")).toBe(0);
    expect(world.api.openWatchCount).toBe(0);
  });

  it("stop() while the watch request still waits for response headers closes its connection at once", async () => {
    world.api.delayNext({ verb: "watch", resource: "pods", ms: 2_000 });
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.requests.get("watch pods") === 1);
    expect(await world.api.connectionCount()).toBe(1);

    subscription.stop();

    await eventually(async () => (await world.api.connectionCount()) === 0, 1_000);
    expect(pods.errors).toEqual([]);
  });

  it("the per-request timeout bounds the informer's list but never cuts an idle watch stream", async () => {
    await world.close();
    world = await startWorld({ kubelet }, { requestTimeoutMs: 100 });
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);

    await sleep(400);
    await runningPod("run-11");

    await eventually(() => pods.events.includes("ADDED run-11 Pending"));
    subscription.stop();
    expect(pods.errors).toEqual([]);
    expect(world.api.requests.get("watch pods")).toBe(1);
  });

  it("a stalled stream stays connected and silent (only the owner's watchdog can notice)", async () => {
    const pods = recorder<Pod>(podPhase);
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, pods);
    await eventually(() => world.api.openWatchCount === 1);

    world.api.stallWatches();
    await runningPod("run-9");
    await sleep(150);

    expect(pods.events).toEqual([]);
    expect(pods.errors).toEqual([]);
    expect(world.api.openWatchCount).toBe(1);
    subscription.stop();
    await eventually(() => world.api.openWatchCount === 0);
  });
});
