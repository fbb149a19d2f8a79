import { readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import { localPodRunnerKubelet } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, startWorld, suspendedJob, type World } from "./world.js";

describe("the loopback apiserver with the local runtime's LocalPodRunner as its kubelet", () => {
  let root: string;
  let world: World;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "loopback-kubelet-"));
    await mkdir(join(root, "data"));
    const kubelet = localPodRunnerKubelet({
      sandboxRoot: join(root, "pods"),
      dataDirectory: join(root, "data"),
      killGraceMs: 200,
      retryMs: 50,
    });
    world = await startWorld({ kubelet });
  });
  afterEach(async () => {
    await world.close();
    await rm(root, { recursive: true, force: true });
  });

  function shellJob(name: string, script: string): Job {
    const job = suspendedJob(name);
    const data = join(root, "data");
    job.spec.template.spec.volumes = [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }];
    job.spec.template.spec.containers = [
      {
        name: "claude",
        image: "ghcr.io/paperclipai/paperclip:1",
        command: ["sh", "-c", script],
        env: [
          { name: "OUT", value: `${data}/out.txt` },
          { name: "RUN_TOKEN", valueFrom: { secretKeyRef: { name: `${name}-env`, key: "RUN_TOKEN" } } },
        ],
        volumeMounts: [{ name: "data", mountPath: data }],
      },
    ];
    return job;
  }

  it("runs a real `sh -c` pod that reads its owned Secret, writes to the data volume, and fails the Job with its exit code", async () => {
    const created = await world.kubernetes.createJob(
      NAMESPACE,
      shellJob("run-sh", 'printf "token=%s\\n" "$RUN_TOKEN" > "$OUT"; exit 7'),
    );
    await world.kubernetes.createOwnedSecret(
      NAMESPACE,
      { metadata: { name: "run-sh-env" }, stringData: { RUN_TOKEN: "t-123" } },
      { namespace: NAMESPACE, name: "run-sh", uid: created.metadata.uid ?? "" },
    );
    await world.kubernetes.resumeJob(NAMESPACE, "run-sh");

    const failed = await eventually(
      () => world.api.get("jobs", NAMESPACE, "run-sh")?.status?.conditions?.find((c) => c.type === "Failed"),
      10_000,
    );
    expect(failed.reason).toBe("BackoffLimitExceeded");
    expect(await readFile(join(root, "data", "out.txt"), "utf8")).toBe("token=t-123\n");
    const [pod] = await world.kubernetes.listPods(NAMESPACE, "job-name=run-sh");
    expect(pod?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(7);
  });

  it("deleting the Job of a running `sh` pod kills its process (nothing outlives the Job)", async () => {
    const created = await world.kubernetes.createJob(
      NAMESPACE,
      shellJob(
        "run-sleep",
        // A unique argument: the pod has its own PID namespace, so its `$$` means nothing here.
        'echo started > "$OUT"; exec sleep 30.4242',
      ),
    );
    await world.kubernetes.createOwnedSecret(
      NAMESPACE,
      { metadata: { name: "run-sleep-env" }, stringData: { RUN_TOKEN: "t" } },
      { namespace: NAMESPACE, name: "run-sleep", uid: created.metadata.uid ?? "" },
    );
    await world.kubernetes.resumeJob(NAMESPACE, "run-sleep");
    await eventually(
      async () => (await readFile(join(root, "data", "out.txt"), "utf8").catch(() => "")).trim() || undefined,
      10_000,
    );
    const [pid] = await eventually(() => {
      const found = pidsRunning(["sleep", "30.4242"]);
      return found.length > 0 ? found : undefined;
    }, 5_000);
    expect(pid).toBeGreaterThan(0);

    expect(await world.kubernetes.deleteJob(NAMESPACE, "run-sleep", "Background")).toBe(true);

    await eventually(() => pidsRunning(["sleep", "30.4242"]).length === 0, 5_000);
    expect(world.api.podsOf("run-sleep", NAMESPACE)).toEqual([]);
  });
});

/** Host pids of the processes whose argv is exactly `argv`. */
function pidsRunning(argv: readonly string[]): number[] {
  const wanted = `${argv.join("\0")}\0`;
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8") === wanted;
      } catch {
        return false;
      }
    })
    .map(Number);
}
