import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { parseRunTrailer } from "../../../src/domain/run-trailer.js";
import { buildRunJob } from "./run-job-builder.js";
import {
  conditionOf,
  finishedJob,
  groupIsGone,
  launch,
  NAMESPACE,
  podOf,
  readText,
  startHarness,
  type Harness,
} from "./local-runtime-harness.js";

describe("local runtime: a built run Job's outcome", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it("runs init then main container and completes the Job, with claude's stream and an exact trailer on the data volume", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "run-ok", dataDirectory: harness.dataDirectory });
    await launch(harness.runtime, run, "Fix the flaky test\nplease");

    const job = await finishedJob(harness.runtime, "run-ok");
    expect(conditionOf(job, "Complete")).toBeDefined();
    expect(job.status?.succeeded).toBe(1);
    const pod = await podOf(harness.runtime, "run-ok");
    expect(pod.status?.phase).toBe("Succeeded");
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });

    const stdout = await readFile(run.paths.stdout);
    const trailer = parseRunTrailer((await readText(run.paths.trailer)) ?? "");
    expect(trailer).toEqual({ version: 1, exitCode: 0, stdoutBytes: stdout.length, stderrBytes: 0 });
    const events = stdout
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; result?: string });
    expect(events[0]?.type).toBe("system");
    expect(events.at(-1)?.type).toBe("result");
    expect(events.at(-1)?.result).toContain('"Fix the flaky test"');
  });

  it("reports claude's exit 1 as a failed container, a Failed Job (BackoffLimitExceeded) and trailer exit code 1", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "run-exit1", dataDirectory: harness.dataDirectory, scenario: "exit-1" });
    await launch(harness.runtime, run);

    const job = await finishedJob(harness.runtime, "run-exit1");
    expect(conditionOf(job, "Failed")?.reason).toBe("BackoffLimitExceeded");
    const pod = await podOf(harness.runtime, "run-exit1");
    expect(pod.status?.phase).toBe("Failed");
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(parseRunTrailer((await readText(run.paths.trailer)) ?? "")?.exitCode).toBe(1);
    expect(await readText(run.paths.stderr)).toContain("simulated crash");
  });

  it("reports claude killed by SIGKILL as exit code 137 in the trailer and the container, with its partial output kept", async () => {
    harness = await startHarness();
    const run = buildRunJob({ name: "run-sigkill", dataDirectory: harness.dataDirectory, scenario: "sigkill" });
    await launch(harness.runtime, run);

    const job = await finishedJob(harness.runtime, "run-sigkill");
    expect(conditionOf(job, "Failed")).toBeDefined();
    const pod = await podOf(harness.runtime, "run-sigkill");
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(137);
    const trailer = parseRunTrailer((await readText(run.paths.trailer)) ?? "");
    expect(trailer?.exitCode).toBe(137);
    const stdout = (await readText(run.paths.stdout)) ?? "";
    expect(trailer?.stdoutBytes).toBe(Buffer.byteLength(stdout));
    expect(stdout).toContain('"type":"assistant"');
    expect(stdout).not.toContain('"type":"result"');
  });

  it("reports a container whose own process is killed by a signal as exitCode 128+n with signal n", async () => {
    harness = await startHarness();
    // `$$$$` because Kubernetes turns `$$` into `$` before the shell sees the script.
    const run = buildRunJob({ name: "run-selfkill", dataDirectory: harness.dataDirectory, script: "kill -KILL $$$$" });
    await launch(harness.runtime, run);

    await finishedJob(harness.runtime, "run-selfkill");
    const pod = await podOf(harness.runtime, "run-selfkill");
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 137,
      signal: 9,
      reason: "Error",
    });
    for (const pgid of harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? ""))
      expect(groupIsGone(pgid)).toBe(true);
  });
});
