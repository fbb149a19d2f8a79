import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { LocalPodRunner, type PodStatus } from "../../../src/adapters/local-runtime/index.js";
import type { Container, Job, Pod, Secret } from "../../../src/ports/kubernetes-objects.js";
import { buildRunJob } from "./run-job-builder.js";
import {
  conditionOf,
  eventually,
  finishedJob,
  launch,
  writePrompt,
  NAMESPACE,
  podOf,
  startHarness,
  type Harness,
} from "./local-runtime-harness.js";

function withContainers(job: Job, init: Container[], main: Container[], volumes = job.spec.template.spec.volumes): Job {
  const copy = structuredClone(job);
  copy.spec.template.spec = { ...copy.spec.template.spec, initContainers: init, containers: main, volumes };
  return copy;
}

describe("local runtime: pods run as a kubelet would run them", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it("runs init containers in order before the main container, sharing the data volume", async () => {
    harness = await startHarness();
    const data = harness.dataDirectory;
    const mount = [{ name: "data", mountPath: data }];
    const base = buildRunJob({ name: "order", dataDirectory: data });
    const job = withContainers(
      base.job,
      [
        { name: "first", command: ["sh", "-c", `echo first >> ${data}/order.txt`], volumeMounts: mount },
        { name: "second", command: ["sh", "-c", `sleep 0.1; echo second >> ${data}/order.txt`], volumeMounts: mount },
      ],
      [{ name: "main", command: ["sh", "-c", `echo main >> ${data}/order.txt`], volumeMounts: mount }],
    );
    await launch(harness.runtime, { ...base, job });
    await finishedJob(harness.runtime, "order");
    expect(await readFile(`${data}/order.txt`, "utf8")).toBe("first\nsecond\nmain\n");
  });

  it("fails the pod and the Job when an init container fails, and never starts the main container", async () => {
    harness = await startHarness();
    const base = buildRunJob({ name: "init-fails", dataDirectory: harness.dataDirectory });
    const job = withContainers(
      base.job,
      [{ name: "prepare", command: ["sh", "-c", "echo no space >&2; exit 3"] }],
      base.job.spec.template.spec.containers,
    );
    await launch(harness.runtime, { ...base, job });

    const finished = await finishedJob(harness.runtime, "init-fails");
    expect(conditionOf(finished, "Failed")?.reason).toBe("BackoffLimitExceeded");
    const pod = await podOf(harness.runtime, "init-fails");
    expect(pod.status?.phase).toBe("Failed");
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe("PodInitializing");
    expect(await harness.inspect.podLogs(NAMESPACE, pod.metadata.name ?? "", "prepare")).toBe("no space\n");
  });

  it("keeps the pod Pending with CreateContainerConfigError while its Secret is missing, and starts once it exists", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "late-secret", dataDirectory: harness.dataDirectory });
    await writePrompt(run);
    const created = await harness.runtime.createJob(NAMESPACE, run.job);
    await harness.runtime.resumeJob(NAMESPACE, "late-secret");
    const waiting = await eventually("CreateContainerConfigError", async () => {
      const state = (await podOf(harness.runtime, "late-secret")).status?.containerStatuses?.[0]?.state?.waiting;
      return state?.reason === "CreateContainerConfigError" ? state : undefined;
    });
    expect(waiting.message).toBe('secret "late-secret-run" not found');

    await harness.runtime.createOwnedSecret(NAMESPACE, run.secret, {
      namespace: NAMESPACE,
      name: "late-secret",
      uid: created.metadata.uid ?? "",
    });
    expect(conditionOf(await finishedJob(harness.runtime, "late-secret"), "Complete")).toBeDefined();
  });

  it("resolves env the Kubernetes way: secretKeyRef, fieldRef, $(VAR) references, and $$ as an escaped $", async () => {
    harness = await startHarness();
    const data = harness.dataDirectory;
    const base = buildRunJob({ name: "env", dataDirectory: data });
    const job = withContainers(
      base.job,
      [],
      [
        {
          name: "main",
          command: [
            "sh",
            "-c",
            `printf '%s|%s|%s|%s|%s' "$PAPERCLIP_API_KEY" "$POD" "$GREETING" '$(GREETING)' '$$(GREETING)' > ${data}/env.txt`,
          ],
          env: [
            { name: "PAPERCLIP_API_KEY", valueFrom: { secretKeyRef: { name: "env-run", key: "api-key" } } },
            { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "WHO", value: "world" },
            { name: "GREETING", value: "hello $(WHO) $(UNDEFINED)" },
          ],
          volumeMounts: [{ name: "data", mountPath: data }],
        },
      ],
    );
    await launch(harness.runtime, { ...base, job });
    await finishedJob(harness.runtime, "env");
    const pod = await podOf(harness.runtime, "env");
    expect(await readFile(`${data}/env.txt`, "utf8")).toBe(
      `run-token-123|${pod.metadata.name}|hello world $(UNDEFINED)|hello world $(UNDEFINED)|$(GREETING)`,
    );
  });

  it.each([
    { mode: "sandboxed", unsandboxed: false },
    { mode: "unsandboxed", unsandboxed: true },
  ])(
    "gives emptyDir and secret volumes per-pod directories at their mount paths ($mode: bound there, or rewritten in the command) and records the mapping on the pod",
    async ({ unsandboxed }) => {
      harness = await startHarness({ unsandboxed });
      const data = harness.dataDirectory;
      const base = buildRunJob({ name: "volumes", dataDirectory: data });
      const job = withContainers(
        base.job,
        [
          {
            name: "fill",
            command: ["sh", "-c", "echo scratch > /scratch/note"],
            volumeMounts: [{ name: "scratch", mountPath: "/scratch" }],
          },
        ],
        [
          {
            name: "main",
            command: [
              "sh",
              "-c",
              `cat /scratch/note /etc/creds/token > ${data}/seen.txt; echo >> ${data}/seen.txt; ls -l /etc/creds/token | cut -c1-10 >> ${data}/seen.txt; pwd >> ${data}/seen.txt`,
            ],
            workingDir: "/scratch/work",
            volumeMounts: [
              { name: "scratch", mountPath: "/scratch" },
              { name: "creds", mountPath: "/etc/creds", readOnly: true },
              { name: "data", mountPath: data },
            ],
          },
        ],
        [
          { name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } },
          { name: "scratch", emptyDir: {} },
          {
            name: "creds",
            secret: { secretName: "volumes-run", items: [{ key: "api-key", path: "token" }], defaultMode: 0o400 },
          },
        ],
      );
      await launch(harness.runtime, { ...base, job });
      await finishedJob(harness.runtime, "volumes");
      const pod = await podOf(harness.runtime, "volumes");
      const sandbox = harness.inspect.sandboxDirectoryOf(NAMESPACE, pod.metadata.name ?? "") ?? "";
      const lines = (await readFile(`${data}/seen.txt`, "utf8")).split("\n");
      expect(lines.slice(0, 2)).toEqual(["scratch", "run-token-123"]);
      // As root in a sandbox the pod runs as its runAsUser, and fsGroup adds group read as the kubelet does.
      expect(lines[2]).toBe(!unsandboxed && process.getuid?.() === 0 ? "-r--r-----" : "-r--------");
      expect(lines[3]).toBe(unsandboxed ? `${sandbox}/volumes/scratch/work` : "/scratch/work");
      // Once the pod has ended its volumes (secret files included) are gone; its logs stay.
      await expect(stat(`${sandbox}/volumes`)).rejects.toMatchObject({ code: "ENOENT" });
      expect(await stat(`${sandbox}/logs/main.log`)).toBeDefined();
      const mappings = JSON.parse(pod.metadata.annotations?.["local-runtime.claude-k8s/mounts"] ?? "{}");
      expect(mappings.main).toEqual([
        { volumeName: "scratch", mountPath: "/scratch", localPath: `${sandbox}/volumes/scratch` },
        { volumeName: "creds", mountPath: "/etc/creds", localPath: `${sandbox}/volumes/creds` },
        { volumeName: "data", mountPath: data, localPath: data },
      ]);
    },
  );

  it("fails the container with StartError when its workingDir is outside every mount and missing on this machine", async () => {
    harness = await startHarness();
    const base = buildRunJob({ name: "no-cwd", dataDirectory: harness.dataDirectory });
    const job = withContainers(
      base.job,
      [],
      [{ name: "main", command: ["sh", "-c", "true"], workingDir: "/no/such/dir-claude-k8s" }],
    );
    await launch(harness.runtime, { ...base, job });
    await finishedJob(harness.runtime, "no-cwd");
    const terminated = (await podOf(harness.runtime, "no-cwd")).status?.containerStatuses?.[0]?.state?.terminated;
    expect(terminated).toMatchObject({ exitCode: 128, reason: "StartError" });
    expect(terminated?.message).toContain('"/no/such/dir-claude-k8s" does not exist on this machine');
  });

  it("refuses (422) a Job whose data volume is not mounted at the data directory, naming the fix", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "bad-mount", dataDirectory: "/paperclip" });
    await expect(harness.runtime.createJob(NAMESPACE, run.job)).rejects.toMatchObject({
      kind: "invalid",
      status: 422,
      message: expect.stringContaining("set dataMountPath to the data directory in local mode"),
    });
    expect(await harness.runtime.listJobs(NAMESPACE, "")).toEqual([]);
  });

  it("answers watches with existing objects as ADDED first, then changes, and refuses duplicate names with 409", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "watched", dataDirectory: harness.dataDirectory });
    await harness.runtime.createJob(NAMESPACE, run.job);
    const seen: string[] = [];
    const subscription = harness.runtime.watchJobs(NAMESPACE, "paperclip.io/run-id=watched", {
      onEvent: (type, job) => seen.push(`${type}:${job.spec.suspend}`),
    });
    expect(seen).toEqual(["ADDED:true"]);
    await harness.runtime.resumeJob(NAMESPACE, "watched");
    expect(seen[1]).toBe("MODIFIED:false");
    subscription.stop();
    await expect(harness.runtime.createJob(NAMESPACE, run.job)).rejects.toMatchObject({
      kind: "conflict",
      status: 409,
    });
    await expect(harness.runtime.resumeJob(NAMESPACE, "nope")).rejects.toMatchObject({
      kind: "not_found",
      status: 404,
    });
  });

  it("offers a synthetic server pod whose data volume and env the Job factory can inherit", async () => {
    harness = await startHarness({ serverEnv: { PAPERCLIP_API_URL: "http://127.0.0.1:3100" } });
    const pod = await harness.runtime.readOwnPod();
    expect(pod.spec.containers[0]?.volumeMounts).toEqual([
      { name: "paperclip-data", mountPath: harness.dataDirectory },
    ]);
    expect(pod.spec.volumes).toEqual([
      { name: "paperclip-data", persistentVolumeClaim: { claimName: "paperclip-data" } },
    ]);
    expect(pod.spec.containers[0]?.env).toEqual([{ name: "PAPERCLIP_API_URL", value: "http://127.0.0.1:3100" }]);
    expect(await harness.runtime.currentNamespace()).toBe("local");
  });
});

describe("LocalPodRunner on its own (the loopback API server's kubelet)", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("runs a bare Pod with only a Secret lookup and a status callback, and kill() removes its sandbox", async () => {
    root = await mkdtemp(`${tmpdir()}/claude-k8s-runner-`);
    const runner = new LocalPodRunner({ sandboxRoot: `${root}/pods`, dataDirectory: `${root}/data`, killGraceMs: 200 });
    const pod: Pod = {
      metadata: { name: "bare", namespace: "ns" },
      spec: {
        restartPolicy: "Never",
        containers: [
          {
            name: "c",
            command: ["sh", "-c", 'echo "$TOKEN"; sleep 30'],
            env: [{ name: "TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "t" } } }],
          },
        ],
      },
    };
    const secret: Secret = { metadata: { name: "s" }, stringData: { t: "abc" } };
    const phases: Array<PodStatus["phase"]> = [];
    const handle = runner.start(
      pod,
      (name) => (name === "s" ? secret : undefined),
      (status) => phases.push(status.phase),
    );
    const log = `${handle.running.sandboxDirectory}/logs/c.log`;
    await eventually("the echo", async () =>
      (await readFile(log, "utf8").catch(() => "")) === "abc\n" ? true : undefined,
    );

    await handle.kill();

    expect(phases[0]).toBe("Pending");
    expect(phases).toContain("Running");
    expect(phases.at(-1)).toBe("Failed");
    await expect(stat(handle.running.sandboxDirectory)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
