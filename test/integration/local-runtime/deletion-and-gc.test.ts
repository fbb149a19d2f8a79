import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Pod, WatchEventType } from "../../../src/ports/kubernetes-objects.js";
import { buildRunJob } from "./run-job-builder.js";
import {
  eventually,
  groupIsGone,
  launch,
  NAMESPACE,
  podOf,
  readText,
  startHarness,
  type Harness,
} from "./local-runtime-harness.js";

const SLOW = { CLAUDE_STAND_IN_DURATION_S: "60", CLAUDE_STAND_IN_TICK_MS: "100" };

describe("local runtime: deletion, propagation and garbage collection", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it("deleting a Job mid-run kills the pod's whole process group, removes its sandbox, and emits the pod's DELETED", async () => {
    harness = await startHarness();
    const run = buildRunJob({
      name: "run-delete",
      dataDirectory: harness.dataDirectory,
      scenario: "slow",
      extraEnv: SLOW,
    });
    const podEvents: Array<[WatchEventType, Pod]> = [];
    harness.runtime.watchPods(NAMESPACE, "job-name=run-delete", {
      onEvent: (type, pod) => podEvents.push([type, pod]),
    });
    await launch(harness.runtime, run);
    await eventually("claude's first lines", async () =>
      (await readText(run.paths.stdout))?.includes("Still working") ? true : undefined,
    );
    const pod = await podOf(harness.runtime, "run-delete");
    const groups = harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? "");
    expect(groups.length).toBe(2); // init container + main container
    expect(groups.some((pgid) => !groupIsGone(pgid))).toBe(true);
    const sandbox = harness.inspect.sandboxDirectoryOf(NAMESPACE, pod.metadata.name ?? "") ?? "";
    expect(existsSync(`${sandbox}/logs/claude.log`)).toBe(true);

    expect(await harness.runtime.deleteJob(NAMESPACE, "run-delete", "Background")).toBe(true);
    expect(await harness.runtime.readJob(NAMESPACE, "run-delete")).toBeNull();
    await harness.runtime.settled();

    for (const pgid of groups) expect(groupIsGone(pgid)).toBe(true);
    expect(podEvents.at(-1)?.[0]).toBe("DELETED");
    const killed = podEvents.map(([, p]) => p.status?.containerStatuses?.[0]?.state?.terminated).find((t) => t);
    expect(killed?.exitCode).toBe(143); // SIGTERM reached the shell's group
    expect(existsSync(sandbox)).toBe(false);
    expect(await harness.runtime.listPods(NAMESPACE, "job-name=run-delete")).toEqual([]);
    expect(await harness.inspect.podLogs(NAMESPACE, pod.metadata.name ?? "")).toBe("");
    // The trailer is never written: the writer died, which the tailer must report.
    expect(await readText(run.paths.trailer)).toBeUndefined();
  });

  it("escalates to SIGKILL after the grace period when the container ignores SIGTERM", async () => {
    harness = await startHarness({ killGraceMs: 200 });
    const script = "trap '' TERM; echo started > \"$MARK\"; while :; do sleep 1; done";
    const run = buildRunJob({
      name: "run-stubborn",
      dataDirectory: harness.dataDirectory,
      script,
      extraEnv: { MARK: `${harness.dataDirectory}/mark` },
    });
    await launch(harness.runtime, run);
    await eventually("the trap to be set", async () => (await readText(`${harness.dataDirectory}/mark`)) ?? undefined);
    const pod = await podOf(harness.runtime, "run-stubborn");
    const events: Pod[] = [];
    harness.runtime.watchPods(NAMESPACE, "job-name=run-stubborn", { onEvent: (_type, p) => events.push(p) });
    const groups = harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? "");

    await harness.runtime.deleteJob(NAMESPACE, "run-stubborn", "Background");
    await harness.runtime.settled();

    const terminated = events.map((p) => p.status?.containerStatuses?.[0]?.state?.terminated).find((t) => t);
    expect(terminated).toMatchObject({ exitCode: 137, signal: 9 });
    for (const pgid of groups) expect(groupIsGone(pgid)).toBe(true);
  });

  it("garbage-collects the run's Secret with its Job, and keeps it (ownerless) under Orphan propagation", async () => {
    harness = await startHarness();
    const collected = buildRunJob({ name: "run-gc", dataDirectory: harness.dataDirectory });
    const orphaned = buildRunJob({ name: "run-orphan", dataDirectory: harness.dataDirectory });
    await launch(harness.runtime, collected);
    await launch(harness.runtime, orphaned);
    expect(harness.inspect.secretNames(NAMESPACE).sort()).toEqual(["run-gc-run", "run-orphan-run"]);

    await harness.runtime.deleteJob(NAMESPACE, "run-gc", "Background");
    await harness.runtime.deleteJob(NAMESPACE, "run-orphan", "Orphan");
    await harness.runtime.settled();

    expect(harness.inspect.secretNames(NAMESPACE)).toEqual(["run-orphan-run"]);
    const orphanPod = await podOf(harness.runtime, "run-orphan");
    expect(orphanPod.metadata.ownerReferences ?? []).toEqual([]);
  });

  it("collects at once a Secret whose owner Job no longer exists", async () => {
    harness = await startHarness();
    await harness.runtime.createOwnedSecret(
      NAMESPACE,
      { metadata: { name: "late" }, stringData: { k: "v" } },
      { namespace: NAMESPACE, name: "gone", uid: "no-such-uid" },
    );
    expect(harness.inspect.secretNames(NAMESPACE)).toEqual([]);
  });

  it("Foreground deletion keeps the Job (with a deletionTimestamp) until its pod is gone, then removes both", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "run-fg", dataDirectory: harness.dataDirectory, scenario: "slow", extraEnv: SLOW });
    const jobEvents: WatchEventType[] = [];
    harness.runtime.watchJobs(NAMESPACE, "paperclip.io/run-id=run-fg", {
      onEvent: (type, job) =>
        jobEvents.push(job.metadata.deletionTimestamp ? (`${type}+deleting` as WatchEventType) : type),
    });
    await launch(harness.runtime, run);
    await podOf(harness.runtime, "run-fg");

    await harness.runtime.deleteJob(NAMESPACE, "run-fg", "Foreground");
    expect((await harness.runtime.readJob(NAMESPACE, "run-fg"))?.metadata.deletionTimestamp).toBeDefined();
    await eventually("the Job to go", async () =>
      (await harness.runtime.readJob(NAMESPACE, "run-fg")) === null ? true : undefined,
    );

    expect(await harness.runtime.listPods(NAMESPACE, "job-name=run-fg")).toEqual([]);
    expect(harness.inspect.secretNames(NAMESPACE)).toEqual([]);
    expect(jobEvents).toContain("MODIFIED+deleting");
    expect(jobEvents.at(-1)).toBe("DELETED+deleting");
  });

  it("shutdown kills every running pod and leaves no process group behind", async () => {
    harness = await startHarness();
    const run = buildRunJob({
      name: "run-shutdown",
      dataDirectory: harness.dataDirectory,
      scenario: "slow",
      extraEnv: SLOW,
    });
    await launch(harness.runtime, run);
    await eventually("claude to run", async () => ((await readText(run.paths.stdout)) ? true : undefined));
    const pod = await podOf(harness.runtime, "run-shutdown");
    const groups = harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? "");

    await harness.runtime.shutdown();

    for (const pgid of groups) expect(groupIsGone(pgid)).toBe(true);
    await expect(harness.runtime.readJob(NAMESPACE, "run-shutdown")).rejects.toMatchObject({ kind: "unavailable" });
  });
});
