import { afterEach, describe, expect, it } from "vitest";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import { ScriptedKubelet } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, RUN_LABEL, startWorld, suspendedJob, type World } from "./world.js";

const finished = (job: Job) =>
  job.status?.conditions?.find((c) => c.status === "True" && (c.type === "Complete" || c.type === "Failed"))?.type;

describe("10 concurrent runs through ClientNodeKubernetes and the loopback apiserver", () => {
  let world: World;
  afterEach(() => world.close());

  it("one shared Job watch sees every run's outcome; the API is called a fixed number of times per run", async () => {
    const kubelet = new ScriptedKubelet();
    world = await startWorld({ kubelet });
    const outcomes = new Map<string, string>();
    const podEvents: string[] = [];
    const jobs = world.kubernetes.watchJobs(NAMESPACE, RUN_LABEL, {
      onEvent: (_type, job) => {
        const outcome = finished(job);
        if (outcome) outcomes.set(job.metadata.name ?? "", outcome);
      },
    });
    const pods = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, {
      onEvent: (type, pod) => podEvents.push(`${type} ${pod.metadata.labels?.["job-name"]}`),
    });
    const names = Array.from({ length: 10 }, (_, i) => `run-${i}`);
    names.forEach((name, i) =>
      kubelet.scriptFor(name, { kind: "run", runMs: 20 + i * 5, exitCode: i % 3 === 0 ? 1 : 0 }),
    );

    await Promise.all(
      names.map(async (name) => {
        const job = await world.kubernetes.createJob(NAMESPACE, suspendedJob(name));
        const owner = { namespace: NAMESPACE, name, uid: job.metadata.uid ?? "" };
        await world.kubernetes.createOwnedSecret(
          NAMESPACE,
          { metadata: { name: `${name}-env` }, stringData: { T: name } },
          owner,
        );
        await world.kubernetes.resumeJob(NAMESPACE, name);
      }),
    );
    await eventually(() => outcomes.size === 10);
    jobs.stop();
    pods.stop();

    expect(names.map((name) => outcomes.get(name))).toEqual(names.map((_, i) => (i % 3 === 0 ? "Failed" : "Complete")));
    expect(new Set(podEvents.map((e) => e.split(" ")[1])).size).toBe(10);
    expect(world.api.requests.snapshot()).toEqual({
      "create jobs": 10,
      "create secrets": 10,
      "patch jobs": 10,
      "list jobs": 1,
      "watch jobs": 1,
      "list pods": 1,
      "watch pods": 1,
    });
  });
});
