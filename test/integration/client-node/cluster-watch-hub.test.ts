/**
 * The domain's ClusterWatchHub over the real client-node adapter and the loopback apiserver: the
 * port contract (onError = stopped, owner restarts; stop() = silent and disconnected) holds for
 * real, so a dropped or stalled watch costs a run no transition and leaves no connection behind.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { ClusterWatchHub } from "../../../src/domain/cluster/cluster-watch-hub.js";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { podStatus, ScriptedKubelet } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, RUN_LABEL, startWorld, suspendedJob, type World } from "./world.js";

describe("ClusterWatchHub on ClientNodeKubernetes and the loopback apiserver", () => {
  let world: World;
  let kubelet: ScriptedKubelet;
  let hub: ClusterWatchHub;
  const phases: string[] = [];
  beforeEach(async () => {
    phases.length = 0;
    kubelet = new ScriptedKubelet({ kind: "manual" });
    world = await startWorld({ kubelet });
  });
  afterEach(async () => {
    hub.shutdown();
    await world.close();
  });

  async function startRun(name: string, stallTimeoutMs: number): Promise<Pod> {
    hub = new ClusterWatchHub(world.kubernetes, new SystemClock(), {
      labelSelector: RUN_LABEL,
      restartBackoffMs: { initial: 20, max: 200 },
      stallTimeoutMs,
    });
    hub.watchRun(NAMESPACE, name, { onPod: (pod) => phases.push(pod?.status?.phase ?? "none") });
    await eventually(() => hub.isHealthy(NAMESPACE));
    await world.kubernetes.createJob(NAMESPACE, suspendedJob(name));
    await world.kubernetes.resumeJob(NAMESPACE, name);
    return eventually(() => world.api.podsOf(name, NAMESPACE)[0]);
  }

  it("a reset watch is restarted with backoff and the run still sees its pod succeed", async () => {
    const pod = await startRun("run-1", 0);
    await eventually(() => phases.includes("Pending"));

    world.api.dropWatches();
    kubelet.report(pod.metadata.name ?? "", podStatus.terminated(pod, 0, podStatus.now()));

    await eventually(() => phases.includes("Succeeded"));
    // Both watches were reset: each is restarted in its own time (a re-list, then a new watch).
    await eventually(() => hub.stats().restarts >= 2);
    await eventually(() => world.api.requests.get("watch pods") === 2 && world.api.requests.get("watch jobs") === 2);
    await eventually(() => world.api.openWatchCount === 2);
  });

  it("a stalled watch is restarted by the watchdog, and the stalled connection is closed", async () => {
    const pod = await startRun("run-2", 300);
    await eventually(() => phases.includes("Pending"));

    expect(world.api.stallWatches()).toBe(2);
    kubelet.report(pod.metadata.name ?? "", podStatus.terminated(pod, 0, podStatus.now()));

    await eventually(() => phases.includes("Succeeded"));
    // The stalled pair was stopped and disconnected; only the fresh pair stays open.
    await eventually(() => world.api.openWatchCount === 2);
    hub.shutdown();
    await eventually(() => world.api.openWatchCount === 0);
  });
});
