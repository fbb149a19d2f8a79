import { afterEach, describe, expect, it } from "vitest";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { KubernetesApiError } from "../../../src/ports/kubernetes-port.js";
import { LoopbackKubeApi, loopbackKubeConfig } from "../../support/loopback-kube-api/index.js";
import { NAMESPACE, RUN_LABEL, startWorld, suspendedJob, type World } from "./world.js";

async function failureOf(pending: Promise<unknown>): Promise<KubernetesApiError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubernetesApiError);
  return error as KubernetesApiError;
}

describe("ClientNodeKubernetes maps every API failure to a typed KubernetesApiError", () => {
  let world: World;
  afterEach(() => world.close());

  it("409 AlreadyExists on create is a conflict naming the Job", async () => {
    world = await startWorld();
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-1"));

    const error = await failureOf(world.kubernetes.createJob(NAMESPACE, suspendedJob("run-1")));

    expect(error).toMatchObject({ kind: "conflict", status: 409, operation: "createJob", transient: false });
    expect(error.message).toContain(
      `createJob agents/run-1: HTTP 409: AlreadyExists: jobs.batch "run-1" already exists`,
    );
  });

  it("a 500 on a status read returns promptly as a transient server_error", async () => {
    world = await startWorld();
    world.api.failNext({ verb: "get", resource: "jobs", status: 500, message: "etcdserver: leader changed" });
    const started = Date.now();

    const error = await failureOf(world.kubernetes.readJob(NAMESPACE, "run-1"));

    expect(error).toMatchObject({ kind: "server_error", status: 500, transient: true });
    expect(error.message).toContain("etcdserver: leader changed");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await world.kubernetes.readJob(NAMESPACE, "run-1")).toBeNull();
  });

  it("403 is forbidden and points at RBAC", async () => {
    world = await startWorld();
    world.api.failNext({ verb: "create", resource: "secrets", status: 403 });

    const error = await failureOf(
      world.kubernetes.createOwnedSecret(
        NAMESPACE,
        { metadata: { name: "s" } },
        { namespace: NAMESPACE, name: "j", uid: "u" },
      ),
    );

    expect(error).toMatchObject({ kind: "forbidden", status: 403, operation: "createOwnedSecret" });
    expect(error.message).toMatch(/createOwnedSecret agents\/s: HTTP 403: Forbidden.*Role/);
  });

  it("a Job the apiserver rejects (422 Invalid) is invalid and says which field", async () => {
    world = await startWorld();
    const job = suspendedJob("run-2");
    job.spec.template.spec.restartPolicy = "Always";

    const error = await failureOf(world.kubernetes.createJob(NAMESPACE, job));

    expect(error).toMatchObject({ kind: "invalid", status: 422 });
    expect(error.message).toContain("spec.template.spec.restartPolicy");
  });

  it("410 on a list is gone; 401 from a bad token is unauthorized", async () => {
    world = await startWorld();
    world.api.failNext({ verb: "list", resource: "pods", status: 410 });
    expect(await failureOf(world.kubernetes.listPods(NAMESPACE, RUN_LABEL))).toMatchObject({
      kind: "gone",
      status: 410,
    });

    const wrongToken = new ClientNodeKubernetes({
      kubeConfig: loopbackKubeConfig(world.api.url, "not-the-token", NAMESPACE),
      namespace: NAMESPACE,
    });
    expect(await failureOf(wrongToken.listJobs(NAMESPACE, RUN_LABEL))).toMatchObject({
      kind: "unauthorized",
      status: 401,
    });
  });

  it("an answer slower than requestTimeoutMs is a transient timeout, raised at the deadline", async () => {
    world = await startWorld({}, { requestTimeoutMs: 150 });
    world.api.delayNext({ verb: "get", resource: "jobs", ms: 5_000 });
    const started = Date.now();

    const error = await failureOf(world.kubernetes.readJob(NAMESPACE, "run-1"));

    expect(error).toMatchObject({ kind: "timeout", transient: true, operation: "readJob" });
    expect(error.message).toContain("no answer within 150 ms");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the timeout also covers a PATCH (resume) whose Content-Type header is set per call", async () => {
    world = await startWorld({}, { requestTimeoutMs: 150 });
    await world.kubernetes.createJob(NAMESPACE, suspendedJob("run-3"));
    world.api.delayNext({ verb: "patch", resource: "jobs", ms: 5_000 });

    expect(await failureOf(world.kubernetes.resumeJob(NAMESPACE, "run-3"))).toMatchObject({ kind: "timeout" });
    await world.kubernetes.resumeJob(NAMESPACE, "run-3");
    expect(world.api.get("jobs", NAMESPACE, "run-3")?.spec.suspend).toBe(false);
  });

  it("an apiserver that is not listening is a transient network error naming the operation", async () => {
    world = await startWorld();
    const closed = await LoopbackKubeApi.start();
    const url = closed.url;
    await closed.close();
    const unreachable = new ClientNodeKubernetes({
      kubeConfig: loopbackKubeConfig(url, "t", NAMESPACE),
      namespace: NAMESPACE,
    });

    const error = await failureOf(unreachable.listJobs(NAMESPACE, RUN_LABEL));

    expect(error).toMatchObject({ kind: "network", transient: true, operation: "listJobs" });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("SelfSubjectAccessReview answers allowed and denied per check", async () => {
    world = await startWorld();
    world.api.deniedAccess.add("delete jobs");
    world.api.deniedAccess.add("get pods/log");

    const decisions = await world.kubernetes.reviewAccess([
      { verb: "create", resource: "jobs", group: "batch", namespace: NAMESPACE },
      { verb: "delete", resource: "jobs", group: "batch", namespace: NAMESPACE },
      { verb: "get", resource: "pods", subresource: "log", namespace: NAMESPACE },
    ]);

    expect(decisions.map((d) => d.allowed)).toEqual([true, false, false]);
    expect(decisions[1]?.reason).toContain("delete jobs is denied");
    expect(world.api.requests.get("create selfsubjectaccessreviews")).toBe(3);
  });
});

describe("ClientNodeKubernetes without a cluster", () => {
  it("is unavailable, with a message saying how to configure it", async () => {
    const nowhere = new ClientNodeKubernetes({ kubeconfigPath: "/nonexistent/kubeconfig", namespace: NAMESPACE });

    const error = await failureOf(nowhere.listJobs(NAMESPACE, RUN_LABEL));

    expect(error).toMatchObject({ kind: "unavailable", operation: "listJobs" });
    expect(error.message).toContain("/nonexistent/kubeconfig");
  });
});
