import { afterEach, describe, expect, it } from "vitest";
import type { WatchEventType } from "../../../src/ports/kubernetes-objects.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import { buildRunJob } from "./run-job-builder.js";
import {
  conditionOf,
  eventually,
  finishedJob,
  groupIsGone,
  launch,
  NAMESPACE,
  podOf,
  readText,
  startHarness,
  type Harness,
} from "./local-runtime-harness.js";

const SLOW = { CLAUDE_STAND_IN_DURATION_S: "60", CLAUDE_STAND_IN_TICK_MS: "100" };

describe("local runtime: activeDeadlineSeconds and ttlSecondsAfterFinished on the injected clock", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it("fails the Job with DeadlineExceeded once its deadline passes, killing and deleting the running pod", async () => {
    const clock = new ManualClock();
    harness = await startHarness({ clock });
    const run = buildRunJob({
      name: "run-deadline",
      dataDirectory: harness.dataDirectory,
      scenario: "slow",
      activeDeadlineSeconds: 30,
      extraEnv: SLOW,
    });
    await launch(harness.runtime, run);
    await eventually("claude's output", async () =>
      (await readText(run.paths.stdout))?.includes("Still working") ? true : undefined,
    );
    const pod = await podOf(harness.runtime, "run-deadline");
    const groups = harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? "");

    await clock.advance(29_000);
    expect(conditionOf(await harness.runtime.readJob(NAMESPACE, "run-deadline"), "Failed")).toBeUndefined();
    await clock.advance(1_000);
    await harness.runtime.settled();

    const job = await finishedJob(harness.runtime, "run-deadline");
    expect(conditionOf(job, "Failed")).toMatchObject({
      reason: "DeadlineExceeded",
      message: "Job was active longer than specified deadline",
    });
    expect(conditionOf(job, "FailureTarget")?.reason).toBe("DeadlineExceeded");
    expect(await harness.runtime.listPods(NAMESPACE, "job-name=run-deadline")).toEqual([]);
    for (const pgid of groups) expect(groupIsGone(pgid)).toBe(true);
  });

  it("deletes a finished Job, its pod and its Secret after ttlSecondsAfterFinished", async () => {
    const clock = new ManualClock();
    harness = await startHarness({ clock });
    const run = buildRunJob({ name: "run-ttl", dataDirectory: harness.dataDirectory, ttlSecondsAfterFinished: 300 });
    const events: WatchEventType[] = [];
    harness.runtime.watchJobs(NAMESPACE, "paperclip.io/run-id=run-ttl", { onEvent: (type) => events.push(type) });
    await launch(harness.runtime, run);
    await finishedJob(harness.runtime, "run-ttl");

    await clock.advance(299_000);
    expect(await harness.runtime.readJob(NAMESPACE, "run-ttl")).not.toBeNull();
    await clock.advance(1_000);
    await harness.runtime.settled();

    expect(await harness.runtime.readJob(NAMESPACE, "run-ttl")).toBeNull();
    expect(events.at(-1)).toBe("DELETED");
    expect(await harness.runtime.listPods(NAMESPACE, "job-name=run-ttl")).toEqual([]);
    expect(harness.inspect.secretNames(NAMESPACE)).toEqual([]);
  });

  it("does not start the deadline while the Job is suspended: it counts from resume", async () => {
    const clock = new ManualClock();
    harness = await startHarness({ clock });
    const run = buildRunJob({ name: "run-suspended", dataDirectory: harness.dataDirectory, activeDeadlineSeconds: 10 });
    const created = await harness.runtime.createJob(NAMESPACE, run.job);
    expect(conditionOf(created, "Suspended")?.reason).toBe("JobSuspended");
    await clock.advance(60_000);
    expect(await harness.runtime.listPods(NAMESPACE, "job-name=run-suspended")).toEqual([]);
    expect(conditionOf(await harness.runtime.readJob(NAMESPACE, "run-suspended"), "Failed")).toBeUndefined();
  });
});
