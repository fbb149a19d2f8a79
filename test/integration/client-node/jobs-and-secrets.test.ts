import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScriptedKubelet } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, RUN_LABEL, startWorld, suspendedJob, type World } from "./world.js";

describe("ClientNodeKubernetes against the loopback apiserver: Jobs, pods and Secrets", () => {
  let world: World;
  let kubelet: ScriptedKubelet;
  beforeEach(async () => {
    kubelet = new ScriptedKubelet({ kind: "run", runMs: 20, exitCode: 0 });
    world = await startWorld({ kubelet });
  });
  afterEach(() => world.close());

  it("creates a suspended Job that reads back and lists by label, with no pod until resumed", async () => {
    const created = await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-a"));

    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await world.kubernetes.readJob(NAMESPACE, "run-a"))?.spec.suspend).toBe(true);
    expect((await world.kubernetes.listJobs(NAMESPACE, RUN_LABEL)).map((j) => j.metadata.name)).toEqual(["run-a"]);
    expect(await world.kubernetes.listJobs(NAMESPACE, "claude-k8s/run=other")).toEqual([]);
    expect(await world.kubernetes.listPods(NAMESPACE, RUN_LABEL)).toEqual([]);
  });

  it("resuming a Job runs one labelled, owned pod to completion and marks the Job Complete", async () => {
    const job = await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-b"));
    await world.kubernetes.resumeJob(NAMESPACE, "run-b");

    const done = await eventually(() => {
      const current = world.api.get("jobs", NAMESPACE, "run-b");
      return current?.status?.completionTime ? current : undefined;
    });
    expect(done.status?.conditions?.find((c) => c.type === "Complete")?.status).toBe("True");
    const [pod] = await world.kubernetes.listPods(NAMESPACE, "job-name=run-b");
    expect(pod?.status?.phase).toBe("Succeeded");
    expect(pod?.metadata.labels?.["claude-k8s/run"]).toBe("run-b");
    expect(pod?.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Job", uid: job.metadata.uid, controller: true });
    expect(world.api.requests.get("patch jobs")).toBe(1);
  });

  it("a failing pod fails the Job with BackoffLimitExceeded and the pod's exit code", async () => {
    kubelet.scriptFor("run-c", { kind: "run", runMs: 10, exitCode: 3 });
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-c"));
    await world.kubernetes.resumeJob(NAMESPACE, "run-c");

    const failed = await eventually(() =>
      world.api.get("jobs", NAMESPACE, "run-c")?.status?.conditions?.find((c) => c.type === "Failed"),
    );
    expect(failed.reason).toBe("BackoffLimitExceeded");
    const [pod] = world.api.podsOf("run-c", NAMESPACE);
    expect(pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(3);
  });

  it("an owned Secret is garbage-collected with its Job, and its values are stored base64 in data", async () => {
    const job = await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-d"));
    const owner = { namespace: NAMESPACE, name: "run-d", uid: job.metadata.uid ?? "" };
    await world.kubernetes.createOwnedSecret(
      NAMESPACE,
      { metadata: { name: "run-d-env" }, stringData: { TOKEN: "s3cret" } },
      owner,
    );

    const stored = world.api.get("secrets", NAMESPACE, "run-d-env");
    expect(stored?.data?.TOKEN).toBe(Buffer.from("s3cret").toString("base64"));
    expect(stored?.stringData).toBeUndefined();
    expect(stored?.metadata.ownerReferences?.[0]?.uid).toBe(job.metadata.uid);

    expect(await world.kubernetes.deleteJob(NAMESPACE, "run-d", "Background")).toBe(true);
    expect(world.api.get("secrets", NAMESPACE, "run-d-env")).toBeUndefined();
    expect(world.api.get("jobs", NAMESPACE, "run-d")).toBeUndefined();
  });

  it("deleting a running Job kills and removes its pod; Orphan keeps the Secret and drops its ownerReference", async () => {
    kubelet.setDefault({ kind: "manual" });
    const job = await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-e"));
    await world.kubernetes.createOwnedSecret(
      NAMESPACE,
      { metadata: { name: "run-e-env" }, stringData: { A: "1" } },
      {
        namespace: NAMESPACE,
        name: "run-e",
        uid: job.metadata.uid ?? "",
      },
    );
    await world.kubernetes.resumeJob(NAMESPACE, "run-e");
    await eventually(() => world.api.runningPodCount === 1);

    expect(await world.kubernetes.deleteJob(NAMESPACE, "run-e", "Orphan")).toBe(true);
    expect(world.api.get("secrets", NAMESPACE, "run-e-env")?.metadata.ownerReferences).toEqual([]);
    expect(world.api.podsOf("run-e", NAMESPACE)).toHaveLength(1);

    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-f"));
    await world.kubernetes.resumeJob(NAMESPACE, "run-f");
    await eventually(() => world.api.podsOf("run-f", NAMESPACE).length === 1);
    expect(await world.kubernetes.deleteJob(NAMESPACE, "run-f", "Foreground")).toBe(true);
    expect(world.api.podsOf("run-f", NAMESPACE)).toEqual([]);
  });

  it("a missing Job reads as null and deletes as false (404 is 'gone', not an error)", async () => {
    expect(await world.kubernetes.readJob(NAMESPACE, "never-created")).toBeNull();
    expect(await world.kubernetes.deleteJob(NAMESPACE, "never-created", "Background")).toBe(false);
  });

  it("reads the Paperclip server's own pod", async () => {
    world.api.seedPod({
      metadata: { name: "paperclip-0", namespace: NAMESPACE, labels: { app: "paperclip" } },
      spec: { containers: [{ name: "paperclip", image: "ghcr.io/paperclipai/paperclip:1" }] },
      status: { phase: "Running" },
    });

    const own = await world.kubernetes.readOwnPod();

    expect(own.spec.containers[0]?.image).toBe("ghcr.io/paperclipai/paperclip:1");
    expect(world.api.requests.get("get pods")).toBe(1);
  });

  it("activeDeadlineSeconds kills the pod and fails the Job with DeadlineExceeded", async () => {
    kubelet.setDefault({ kind: "manual" });
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-g", { activeDeadlineSeconds: 0.05 }));
    await world.kubernetes.resumeJob(NAMESPACE, "run-g");

    const failed = await eventually(() =>
      world.api.get("jobs", NAMESPACE, "run-g")?.status?.conditions?.find((c) => c.type === "Failed"),
    );
    expect(failed.reason).toBe("DeadlineExceeded");
    await eventually(() => world.api.podsOf("run-g", NAMESPACE).length === 0);
    expect(world.api.runningPodCount).toBe(0);
  });

  it("ttlSecondsAfterFinished deletes the finished Job together with its pod", async () => {
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-h", { ttlSecondsAfterFinished: 0 }));
    await world.kubernetes.resumeJob(NAMESPACE, "run-h");

    await eventually(() => world.api.requests.get("patch jobs") === 1 && !world.api.get("jobs", NAMESPACE, "run-h"));
    expect(await world.kubernetes.readJob(NAMESPACE, "run-h")).toBeNull();
    expect(world.api.podsOf("run-h", NAMESPACE)).toEqual([]);
  });
});
