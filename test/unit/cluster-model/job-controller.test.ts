import { describe, expect, it } from "vitest";
import { JobController } from "../../../src/adapters/cluster-model/job-controller.js";
import type { Kubelet, PodStatus } from "../../../src/adapters/cluster-model/kubelet.js";
import { ObjectStore, type Change } from "../../../src/adapters/cluster-model/object-store.js";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import { ManualClock } from "../../fakes/manual-clock.js";

const NS = "team";

/** A kubelet the test drives: every started pod waits for `end(podName, phase)`. */
class HandKubelet implements Kubelet {
  readonly reports = new Map<string, (status: PodStatus) => void>();
  readonly killed: string[] = [];
  start(pod: Pod, _secrets: unknown, report: (status: PodStatus) => void) {
    const name = pod.metadata.name ?? "";
    this.reports.set(name, report);
    return { kill: async () => void this.killed.push(name) };
  }
  end(podName: string, phase: "Succeeded" | "Failed"): void {
    this.reports.get(podName)?.({ phase });
  }
}

function world() {
  const clock = new ManualClock();
  const store = new ObjectStore(clock);
  const kubelet = new HandKubelet();
  const controller = new JobController(store, clock, () => kubelet);
  const changes: string[] = [];
  store.onChange((c: Change) => changes.push(`${c.type} ${c.resource}/${c.object.metadata.name ?? ""}`));
  const create = (spec: Partial<Job["spec"]> = {}): Job =>
    store.create("jobs", NS, {
      metadata: { name: "run-1" },
      spec: { backoffLimit: 0, template: { spec: { restartPolicy: "Never", containers: [{ name: "c" }] } }, ...spec },
    });
  const job = () => store.get("jobs", NS, "run-1");
  const pods = () => store.all("pods");
  const condition = (type: string) => job()?.status?.conditions?.find((c) => c.type === type && c.status === "True");
  return { clock, store, kubelet, controller, changes, create, job, pods, condition };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("the cluster model's Job controller", () => {
  it("starts one pod for a started Job and completes the Job when the pod succeeds", async () => {
    const w = world();
    w.create();
    await settle();
    expect(w.pods()).toHaveLength(1);
    expect(w.job()?.status).toMatchObject({ active: 1 });

    w.kubelet.end(w.pods()[0]!.metadata.name ?? "", "Succeeded");
    await settle();

    expect(w.condition("Complete")).toBeDefined();
    expect(w.job()?.status).toMatchObject({ active: 0, succeeded: 1 });
    expect(w.pods()).toHaveLength(1);
  });

  it("retries a failed pod up to backoffLimit, then fails the Job with BackoffLimitExceeded", async () => {
    const w = world();
    w.create({ backoffLimit: 1 });
    await settle();
    w.kubelet.end(w.pods()[0]!.metadata.name ?? "", "Failed");
    await settle();
    expect(w.pods()).toHaveLength(2);
    expect(w.condition("Failed")).toBeUndefined();

    w.kubelet.end(w.pods()[1]!.metadata.name ?? "", "Failed");
    await settle();

    expect(w.condition("Failed")?.reason).toBe("BackoffLimitExceeded");
    expect(w.job()?.status?.failed).toBe(2);
  });

  it("fails the Job at activeDeadlineSeconds on the injected clock and deletes its pod (deletionTimestamp first)", async () => {
    const w = world();
    w.create({ activeDeadlineSeconds: 30 });
    await settle();
    const podName = w.pods()[0]!.metadata.name ?? "";

    await w.clock.advance(29_000);
    expect(w.condition("Failed")).toBeUndefined();
    await w.clock.advance(1_000);
    await w.controller.pods.settled();

    expect(w.condition("Failed")?.reason).toBe("DeadlineExceeded");
    expect(w.kubelet.killed).toEqual([podName]);
    expect(w.pods()).toEqual([]);
    const podChanges = w.changes.filter((c) => c.endsWith(`pods/${podName}`));
    expect(podChanges).toEqual([`ADDED pods/${podName}`, `MODIFIED pods/${podName}`, `DELETED pods/${podName}`]);
  });

  it("deletes a finished Job with its pod and owned Secret after ttlSecondsAfterFinished", async () => {
    const w = world();
    const created = w.create({ ttlSecondsAfterFinished: 60 });
    w.store.create("secrets", NS, {
      metadata: {
        name: "run-1-env",
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "run-1", uid: created.metadata.uid ?? "" }],
      },
      stringData: { A: "1" },
    });
    await settle();
    w.kubelet.end(w.pods()[0]!.metadata.name ?? "", "Succeeded");
    await settle();

    await w.clock.advance(59_000);
    expect(w.job()).toBeDefined();
    await w.clock.advance(1_000);
    await w.controller.pods.settled();

    expect(w.job()).toBeUndefined();
    expect(w.pods()).toEqual([]);
    expect(w.store.all("secrets")).toEqual([]);
  });

  it("counts a pod that ended while no controller watched before starting another (a server that died)", async () => {
    const clock = new ManualClock();
    const before = new ObjectStore(clock);
    const w = world();
    // What a dead server left: a started Job and its pod, which has since failed.
    const job = before.create("jobs", NS, {
      metadata: { name: "run-1" },
      spec: { backoffLimit: 0, template: { spec: { containers: [{ name: "c" }] } } },
      status: { active: 1, startTime: new Date(clock.now()).toISOString() },
    });
    const pod = before.create("pods", NS, {
      metadata: {
        name: "run-1-abcde",
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "run-1", uid: job.metadata.uid ?? "" }],
      },
      spec: { containers: [{ name: "c" }] },
      status: { phase: "Failed" },
    });
    w.store.restore("pods", pod);
    w.store.restore("jobs", job);
    await settle();

    expect(w.pods()).toHaveLength(1);
    expect(w.condition("Failed")?.reason).toBe("BackoffLimitExceeded");
  });

  it("suspending a running Job again deletes its pod without failing the Job", async () => {
    const w = world();
    w.create();
    await settle();
    w.store.update("jobs", NS, "run-1", (j) => (j.spec.suspend = true));
    await settle();
    await w.controller.pods.settled();

    expect(w.pods()).toEqual([]);
    expect(w.condition("Failed")).toBeUndefined();
  });
});
