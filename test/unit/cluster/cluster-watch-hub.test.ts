import { describe, expect, it } from "vitest";
import { ClusterWatchHub, type RunWatchListener } from "../../../src/domain/cluster/cluster-watch-hub.js";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import { KubernetesApiError } from "../../../src/ports/kubernetes-port.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { ManualClock, flushAsync } from "../../fakes/manual-clock.js";
import { SELECTOR, runJob } from "./run-fixtures.js";

const NS = "paperclip";

function world(options: ConstructorParameters<typeof ClusterWatchHub>[2] = {}) {
  const kubernetes = new FakeKubernetes();
  const clock = new ManualClock(0);
  const log: string[] = [];
  const hub = new ClusterWatchHub(
    kubernetes,
    clock,
    { labelSelector: SELECTOR, ...options },
    (line) => void log.push(line),
  );
  const watchCalls = () => kubernetes.calls.filter((c) => c.operation === "watchJobs" || c.operation === "watchPods");
  return { kubernetes, clock, hub, log, watchCalls };
}

/** A listener that records what it heard. */
function recorder() {
  const heard = { jobs: [] as Array<Job | null>, pods: [] as Array<Pod | null>, health: [] as boolean[] };
  const listener: RunWatchListener = {
    onJob: (job) => heard.jobs.push(job),
    onPod: (pod) => heard.pods.push(pod),
    onWatchHealth: (healthy) => heard.health.push(healthy),
  };
  return { heard, listener };
}

describe("ClusterWatchHub", () => {
  it("serves 100 concurrent runs in one namespace with exactly one Job watch and one Pod watch", async () => {
    const { kubernetes, hub, watchCalls } = world();
    const runs = Array.from({ length: 100 }, (_, i) => ({ name: `run-${i}`, ...recorder() }));
    for (const run of runs) await kubernetes.createJob(NS, runJob(run.name));
    const handles = runs.map((run) => hub.watchRun(NS, run.name, run.listener));

    kubernetes.startPod("run-42", "node-x");

    expect(watchCalls().map((c) => c.operation)).toEqual(["watchJobs", "watchPods"]);
    expect(watchCalls().every((c) => c.detail === SELECTOR)).toBe(true);
    expect(hub.stats()).toMatchObject({ watchesStarted: 2, activeNamespaces: 1, subscribers: 100 });
    expect(runs[42]?.heard.pods.map((p) => p?.spec.nodeName)).toEqual(["node-x"]);
    expect(runs.filter((run) => run.heard.pods.length > 0).map((run) => run.name)).toEqual(["run-42"]);
    expect(hub.snapshot(NS, "run-42")).toMatchObject({ jobSeen: true, job: { metadata: { name: "run-42" } } });
    handles.forEach((h) => h.close());
  });

  it("starts a separate pair of watches per namespace", () => {
    const { hub, watchCalls } = world();
    hub.watchRun("team-a", "run-1", {});
    hub.watchRun("team-b", "run-2", {});
    hub.watchRun("team-a", "run-3", {});
    expect(watchCalls()).toHaveLength(4);
    expect(hub.stats().activeNamespaces).toBe(2);
  });

  it("stops both watches and every timer when the last subscriber leaves", async () => {
    const { kubernetes, clock, hub } = world();
    const first = hub.watchRun(NS, "run-1", {});
    const second = hub.watchRun(NS, "run-2", {});
    first.close();
    expect(kubernetes.activeWatchCount).toBe(2);
    second.close();
    second.close();
    await flushAsync();
    expect(kubernetes.activeWatchCount).toBe(0);
    expect(hub.stats()).toMatchObject({ activeNamespaces: 0, subscribers: 0 });
    expect(clock.pendingSleeps).toBe(0);
  });

  it("restarts a failed watch after a backoff that doubles per consecutive failure", async () => {
    const { kubernetes, clock, hub, watchCalls, log } = world({ restartBackoffMs: { initial: 1_000, max: 30_000 } });
    hub.watchRun(NS, "run-1", {});
    kubernetes.breakWatches("server_error");
    await clock.advance(999);
    expect(watchCalls()).toHaveLength(2);
    await clock.advance(1);
    expect(watchCalls()).toHaveLength(4);

    kubernetes.breakWatches("server_error");
    await clock.advance(1_999);
    expect(watchCalls()).toHaveLength(4);
    await clock.advance(1);
    expect(watchCalls()).toHaveLength(6);
    expect(hub.stats().restarts).toBe(4);
    expect(log.filter((line) => line.includes("restarting in 2000 ms (attempt 2)"))).toHaveLength(2);
    expect(log[0]).toMatch(/^\[claude-k8s\] jobs watch in namespace "paperclip" failed \(server_error 500: /);
  });

  it("tells subscribers the watch is down, and back up once the restart has re-listed", async () => {
    const { kubernetes, clock, hub } = world();
    const { heard, listener } = recorder();
    hub.watchRun(NS, "run-1", listener);
    expect(hub.isHealthy(NS)).toBe(true);
    kubernetes.breakWatches("gone");
    expect(heard.health).toEqual([false]);
    await clock.advance(1_000);
    expect(heard.health).toEqual([false, true]);
    expect(hub.isHealthy(NS)).toBe(true);
  });

  it("counts a failed re-list after a restart as another failure and backs off further", async () => {
    const { kubernetes, clock, hub, watchCalls } = world();
    hub.watchRun(NS, "run-1", {});
    kubernetes.breakWatches("server_error");
    kubernetes.failNext("listJobs", "server_error");
    await clock.advance(1_000);
    expect(hub.isHealthy(NS)).toBe(false);
    await clock.advance(1_999);
    expect(watchCalls()).toHaveLength(4);
    await clock.advance(1);
    expect(watchCalls()).toHaveLength(5);
    expect(hub.isHealthy(NS)).toBe(true);
  });

  it("restarts a watch that stays silent for the stall timeout and catches up on what it missed", async () => {
    const { kubernetes, clock, hub, watchCalls } = world({ stallTimeoutMs: 60_000 });
    await kubernetes.createJob(NS, runJob("run-1"));
    const { heard, listener } = recorder();
    hub.watchRun(NS, "run-1", listener);
    kubernetes.silenceWatches();
    kubernetes.startPod("run-1", "node-q");
    expect(heard.pods).toEqual([]);

    await clock.advance(59_999);
    expect(watchCalls()).toHaveLength(2);
    await clock.advance(1);
    expect(watchCalls()).toHaveLength(4);
    expect(heard.pods.at(-1)?.spec.nodeName).toBe("node-q");
    expect(hub.stats().restarts).toBe(2);
  });

  it("reports a Job deleted while its watch was down as deleted once the restart re-lists", async () => {
    const { kubernetes, clock, hub } = world();
    await kubernetes.createJob(NS, runJob("run-1"));
    const { heard, listener } = recorder();
    hub.watchRun(NS, "run-1", listener);
    kubernetes.breakWatches("gone");
    kubernetes.deleteJobExternally("run-1");
    expect(heard.jobs).toEqual([]);
    await clock.advance(1_000);
    expect(heard.jobs).toEqual([null]);
    expect(heard.pods).toEqual([null]);
    expect(hub.snapshot(NS, "run-1")).toEqual({ job: null, pod: null, jobSeen: true });
  });

  it("keeps serving other runs when one listener throws", async () => {
    const { kubernetes, hub, log } = world();
    await kubernetes.createJob(NS, runJob("run-1"));
    const { heard, listener } = recorder();
    hub.watchRun(NS, "run-1", {
      onPod: () => {
        throw new Error("listener bug");
      },
    });
    hub.watchRun(NS, "run-1", listener);
    kubernetes.startPod("run-1");
    expect(heard.pods).toHaveLength(1);
    expect(log.some((line) => line.includes("listener bug"))).toBe(true);
  });

  it("on shutdown stops every watch and tells remaining subscribers the watch is down", async () => {
    const { kubernetes, clock, hub } = world();
    const { heard, listener } = recorder();
    hub.watchRun(NS, "run-1", listener);
    hub.watchRun("other", "run-2", {});
    hub.shutdown();
    await flushAsync();
    expect(heard.health).toEqual([false]);
    expect(kubernetes.activeWatchCount).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
    expect(hub.stats()).toMatchObject({ activeNamespaces: 0, subscribers: 0 });
  });

  it("treats a port that throws when asked to watch (no cluster config) as a failed watch and retries it", async () => {
    class UnreachableCluster extends FakeKubernetes {
      override watchJobs(): never {
        throw new KubernetesApiError("unavailable", "watchJobs", "no kubeconfig");
      }
    }
    const kubernetes = new UnreachableCluster();
    const clock = new ManualClock(0);
    const log: string[] = [];
    const hub = new ClusterWatchHub(kubernetes, clock, { labelSelector: SELECTOR }, (line) => void log.push(line));
    const { heard, listener } = recorder();
    hub.watchRun(NS, "run-1", listener);
    expect(hub.isHealthy(NS)).toBe(false);
    expect(log).toEqual([expect.stringContaining("failed (unavailable: no kubeconfig); restarting in 1000 ms")]);
    await clock.advance(1_000);
    expect(log).toHaveLength(2);
    expect(heard.health).toEqual([]);
  });

  it("selects only the adapter's own Jobs and pods by default", async () => {
    const kubernetes = new FakeKubernetes();
    const hub = new ClusterWatchHub(kubernetes, new ManualClock(0));
    const foreign = runJob("someone-elses");
    foreign.metadata.labels = { app: "other" };
    foreign.spec.template.metadata = { labels: { app: "other" } };
    await kubernetes.createJob(NS, foreign);
    await kubernetes.createJob(NS, runJob("run-1"));
    hub.watchRun(NS, "run-1", {});
    expect(kubernetes.calls.filter((c) => c.operation === "watchJobs").map((c) => c.detail)).toEqual([SELECTOR]);
    expect(hub.snapshot(NS, "run-1").pod).not.toBeNull();
    expect(hub.snapshot(NS, "someone-elses")).toEqual({ job: null, pod: null, jobSeen: false });
  });

  it("keeps restarting a failed watch even when its log sink throws", async () => {
    const kubernetes = new FakeKubernetes();
    const clock = new ManualClock(0);
    const hub = new ClusterWatchHub(kubernetes, clock, { labelSelector: SELECTOR }, () => {
      throw new Error("log sink broken");
    });
    hub.watchRun(NS, "run-1", {});
    kubernetes.breakWatches("server_error");
    await clock.advance(1_000);
    expect(kubernetes.activeWatchCount).toBe(2);
    expect(hub.isHealthy(NS)).toBe(true);
  });
});
