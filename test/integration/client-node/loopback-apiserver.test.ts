/** The loopback apiserver itself, over raw HTTP: the Kubernetes semantics the adapter relies on. */
import { afterEach, describe, expect, it } from "vitest";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import { LoopbackKubeApi, ScriptedKubelet, type PodScript } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, suspendedJob } from "./world.js";

const JOBS = `/apis/batch/v1/namespaces/${NAMESPACE}/jobs`;
const PODS = `/api/v1/namespaces/${NAMESPACE}/pods`;

let api: LoopbackKubeApi;
afterEach(() => api.close());

async function call(method: string, path: string, body?: unknown, contentType = "application/json") {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${api.token}`, "Content-Type": contentType },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // Every answer is JSON: an object or a Status.
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { metadata?: { resourceVersion?: string } },
  };
}

/** Opens a watch and collects its events until `count` arrived or the stream ended. */
async function watchEvents(
  path: string,
  count: number,
): Promise<Array<{ type: string; object: Record<string, unknown> }>> {
  const controller = new AbortController();
  const response = await fetch(`${api.url}${path}`, {
    headers: { Authorization: `Bearer ${api.token}` },
    signal: controller.signal,
  });
  const events: Array<{ type: string; object: Record<string, unknown> }> = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  while (events.length < count) {
    // A reset connection ends the stream like a clean end does, for these checks.
    const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    if (done) break;
    buffered += value;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) if (line) events.push(JSON.parse(line) as (typeof events)[number]);
  }
  controller.abort();
  return events;
}

describe("loopback apiserver: objects, Status bodies, selectors", () => {
  it("answers errors with real Kubernetes Status bodies", async () => {
    api = await LoopbackKubeApi.start();

    const missing = await call("GET", `${JOBS}/nope`);
    const unknown = await call("GET", "/apis/apps/v1/namespaces/x/deployments");
    const jsonPatch = await call("PATCH", `${JOBS}/nope`, [], "application/json-patch+json");
    const unauthenticated = await fetch(`${api.url}${JOBS}`);

    expect(missing).toEqual({
      status: 404,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: 'jobs.batch "nope" not found',
        reason: "NotFound",
        details: { name: "nope", group: "batch", kind: "jobs" },
        code: 404,
      },
    });
    expect(unknown.body).toMatchObject({ kind: "Status", code: 404, reason: "NotFound" });
    expect(jsonPatch.body).toMatchObject({ kind: "Status", code: 415, reason: "UnsupportedMediaType" });
    expect(unauthenticated.status).toBe(401);
  });

  it("lists by equality, inequality, existence and absence selectors, with the list's resourceVersion", async () => {
    api = await LoopbackKubeApi.start();
    for (const [name, labels] of [
      ["a", { tier: "x", owner: "me" }],
      ["b", { tier: "y" }],
      ["c", {}],
    ] as const) {
      await call("POST", JOBS, { ...suspendedJob(name), metadata: { name, labels } });
    }
    const names = async (selector: string) =>
      ((await call("GET", `${JOBS}?labelSelector=${encodeURIComponent(selector)}`)).body.items as Job[]).map(
        (j) => j.metadata.name,
      );

    expect(await names("tier=x,owner=me")).toEqual(["a"]);
    expect(await names("tier!=x")).toEqual(["b", "c"]);
    expect(await names("tier")).toEqual(["a", "b"]);
    expect(await names("!tier")).toEqual(["c"]);
    expect((await call("GET", JOBS)).body.metadata?.resourceVersion).toBe(String(api.store.currentResourceVersion));
    expect((await call("GET", `${JOBS}?labelSelector=tier%20in%20(x)`)).status).toBe(400);
  });

  it("counts requests by verb and resource, including failed ones, and resets", async () => {
    api = await LoopbackKubeApi.start();
    api.failNext({ verb: "get", resource: "jobs", status: 503, times: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GET", `${JOBS}/x`)).status);
    await call("GET", JOBS);

    expect(statuses).toEqual([503, 503, 404]);
    expect(api.requests.snapshot()).toEqual({ "get jobs": 3, "list jobs": 1 });
    expect(api.requests.total).toBe(4);
    api.requests.reset();
    expect(api.requests.total).toBe(0);
  });
});

describe("loopback apiserver: watches", () => {
  it("a watch from a list's resourceVersion streams later changes only", async () => {
    api = await LoopbackKubeApi.start();
    await call("POST", JOBS, suspendedJob("before"));
    const listed = (await call("GET", JOBS)).body.metadata?.resourceVersion;
    await call("POST", JOBS, suspendedJob("after"));
    await call("PATCH", `${JOBS}/after`, { spec: { suspend: false } }, "application/merge-patch+json");

    const events = await watchEvents(`${JOBS}?watch=true&resourceVersion=${listed}`, 3);

    // The patch, then the job controller's status update (active, startTime).
    expect(events.map((e) => `${e.type} ${(e.object as unknown as Job).metadata.name}`)).toEqual([
      "ADDED after",
      "MODIFIED after",
      "MODIFIED after",
    ]);
    expect((events[2]?.object as unknown as Job).status?.active).toBe(1);
  });

  it("a resourceVersion older than the retained window gets 200 + one ERROR event with a 410 Expired Status", async () => {
    api = await LoopbackKubeApi.start({ historyLimit: 2 });
    const first = (await call("POST", JOBS, suspendedJob("j1"))).body.metadata?.resourceVersion;
    for (const name of ["j2", "j3", "j4"]) await call("POST", JOBS, suspendedJob(name));

    const events = await watchEvents(`${JOBS}?watch=true&resourceVersion=${first}`, 5);

    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe("ERROR");
    expect(events[0]?.object).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
    expect(String(events[0]?.object.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it("expireWatchHistory makes every earlier resourceVersion 410, but a fresh list's works", async () => {
    api = await LoopbackKubeApi.start();
    const old = (await call("GET", JOBS)).body.metadata?.resourceVersion;
    api.expireWatchHistory();
    const fresh = (await call("GET", JOBS)).body.metadata?.resourceVersion;
    setTimeout(() => void call("POST", JOBS, suspendedJob("later")), 20);

    expect((await watchEvents(`${JOBS}?watch=true&resourceVersion=${old}`, 1))[0]?.type).toBe("ERROR");
    expect((await watchEvents(`${JOBS}?watch=true&resourceVersion=${fresh}`, 1))[0]?.type).toBe("ADDED");
  });

  it("sends BOOKMARKs carrying the current resourceVersion when asked for them", async () => {
    api = await LoopbackKubeApi.start({ bookmarkIntervalMs: 20 });
    await call("POST", JOBS, suspendedJob("j1"));
    const rv = (await call("GET", JOBS)).body.metadata?.resourceVersion;

    const [bookmark] = await watchEvents(`${JOBS}?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, 1);

    expect(bookmark).toEqual({
      type: "BOOKMARK",
      object: { kind: "Job", apiVersion: "batch/v1", metadata: { resourceVersion: rv } },
    });
  });

  it("a watch without resourceVersion starts with ADDED for every matching object", async () => {
    api = await LoopbackKubeApi.start();
    await call("POST", JOBS, suspendedJob("j1"));
    await call("POST", JOBS, { ...suspendedJob("j2"), metadata: { name: "j2", labels: { other: "1" } } });

    const events = await watchEvents(`${JOBS}?watch=true&labelSelector=other`, 1);

    expect(events.map((e) => `${e.type} ${(e.object as unknown as Job).metadata.name}`)).toEqual(["ADDED j2"]);
  });

  it("close() ends open watches and delayed requests at once", async () => {
    api = await LoopbackKubeApi.start();
    const watching = watchEvents(`${JOBS}?watch=true`, 1);
    await eventually(() => api.openWatchCount === 1);
    api.delayNext({ verb: "get", resource: "jobs", ms: 60_000 });
    const slow = call("GET", `${JOBS}/x`).catch((error: unknown) => error);
    await eventually(() => api.requests.get("get jobs") === 1);
    const started = Date.now();

    await api.close();

    expect(await watching).toEqual([]);
    expect(await slow).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe("loopback apiserver: job controller and scripted kubelet", () => {
  async function podFor(script: PodScript, spec: Partial<Job["spec"]> = {}): Promise<Pod> {
    const kubelet = new ScriptedKubelet(script);
    api = await LoopbackKubeApi.start({ kubelet });
    const job = suspendedJob("run", spec);
    job.spec.template.spec.initContainers = [{ name: "prepare", image: "busybox" }];
    await call("POST", JOBS, job);
    await call("PATCH", `${JOBS}/run`, { spec: { suspend: false } }, "application/merge-patch+json");
    await eventually(() => kubelet.started.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    return (await call("GET", `${PODS}/${kubelet.started[0]}`)).body as unknown as Pod;
  }

  it("image pull failure leaves the pod Pending with ErrImagePull and the image named", async () => {
    const pod = await podFor({ kind: "imagePullFailure" });
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting).toMatchObject({ reason: "ErrImagePull" });
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.message).toContain("ghcr.io/paperclipai/paperclip:1");
  });

  it("an unschedulable pod has PodScheduled=False reason Unschedulable", async () => {
    const pod = await podFor({ kind: "unschedulable", message: "0/1 nodes are available: insufficient cpu" });
    expect(pod.status?.phase).toBe("Pending");
    expect(pod.status?.conditions).toEqual([
      {
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message: "0/1 nodes are available: insufficient cpu",
      },
    ]);
  });

  it("an init container failure fails the pod with the init container's exit code", async () => {
    const pod = await podFor({ kind: "initContainerFailure", exitCode: 2, message: "no such file" });
    expect(pod.status?.phase).toBe("Failed");
    expect(pod.status?.initContainerStatuses?.[0]).toMatchObject({
      name: "prepare",
      state: { terminated: { exitCode: 2, message: "no such file" } },
    });
    const job = (await call("GET", `${JOBS}/run`)).body as unknown as Job;
    expect(job.status?.conditions?.find((c) => c.type === "Failed")?.reason).toBe("BackoffLimitExceeded");
  });

  it("a pod that never starts stays Pending with no container status", async () => {
    const pod = await podFor({ kind: "neverStarts" });
    expect(pod.status).toEqual({ phase: "Pending" });
  });

  it("a pod is labelled with the template's labels plus job-name and controller-uid", async () => {
    const pod = await podFor({ kind: "neverStarts" });
    const job = (await call("GET", `${JOBS}/run`)).body as unknown as Job;
    expect(pod.metadata.labels).toMatchObject({
      "claude-k8s/run": "run",
      "job-name": "run",
      "controller-uid": job.metadata.uid,
      "batch.kubernetes.io/job-name": "run",
    });
    expect(job.status?.active).toBe(1);
  });

  it("suspending a running Job again deletes its pod", async () => {
    await podFor({ kind: "manual" });
    await call("PATCH", `${JOBS}/run`, { spec: { suspend: true } }, "application/merge-patch+json");
    await eventually(() => api.podsOf("run", NAMESPACE).length === 0);
    expect(api.runningPodCount).toBe(0);
  });

  it("with backoffLimit 1 a failed pod is replaced once before the Job fails", async () => {
    const pod = await podFor({ kind: "run", runMs: 5, exitCode: 1 }, { backoffLimit: 1 });
    const failed = await eventually(() =>
      api.get("jobs", NAMESPACE, "run")?.status?.conditions?.find((c) => c.type === "Failed"),
    );
    expect(failed.reason).toBe("BackoffLimitExceeded");
    expect(api.podsOf("run", NAMESPACE).map((p) => p.metadata.name)).toContain(pod.metadata.name);
    expect(api.podsOf("run", NAMESPACE)).toHaveLength(2);
    expect(api.get("jobs", NAMESPACE, "run")?.status?.failed).toBe(2);
  });
});
