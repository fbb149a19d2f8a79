/**
 * A reattach follows the orphan's files by recomputing their paths from the ids and the server's
 * run-log root; annotations (editable by whoever can edit a Job) never name what is read or deleted.
 */
import { describe, expect, it } from "vitest";
import { ANNOTATION_KEYS, LABEL_KEYS } from "../../../src/domain/job/job-labels.js";
import { ConcurrencyGuard } from "../../../src/domain/run/concurrency-guard.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import { RUN_LOG_ROOT, RunWorld, makeRequest } from "./run-world.js";

const SERVER_FILE = "/etc/passwd";

function annotateHostile(job: Job, runId?: string): void {
  job.metadata.annotations = {
    ...job.metadata.annotations,
    [ANNOTATION_KEYS.stdoutPath]: SERVER_FILE,
    [ANNOTATION_KEYS.stderrPath]: SERVER_FILE,
    [ANNOTATION_KEYS.trailerPath]: SERVER_FILE,
    [ANNOTATION_KEYS.promptPath]: SERVER_FILE,
    ...(runId === undefined ? {} : { [ANNOTATION_KEYS.runId]: runId }),
  };
}

describe("reattach against hostile annotations (fakes)", () => {
  it("attack: annotations naming a server file outside the root: the adopting run neither reads nor deletes it", async () => {
    const world = new RunWorld();
    world.files.append(SERVER_FILE, "root:x:0:0\n");
    const orphan = world.start(makeRequest({ runId: "run-old" }), undefined, world.otherServer());
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "orphan pod created");
    const [job] = world.kubernetes.jobs.values();
    annotateHostile(job!);

    const adopted = world.start(makeRequest({ runId: "run-new" }));
    await world.until(() => world.statuses.some((s) => s.includes("reattached")), "reattached");
    await world.playPod({ runId: "run-old" });
    await world.clock.runUntil(() => adopted.report !== undefined && orphan.report !== undefined);

    expect(adopted.report!.reattachedFromRunId).toBe("run-old");
    expect(adopted.report!.outcome.failure).toBeNull();
    expect(world.files.readPaths).not.toContain(SERVER_FILE);
    expect(world.files.textOf(SERVER_FILE)).toBe("root:x:0:0\n");
    expect(world.files.readPaths).toContain(world.paths("run-old").stdout);
    expect(world.files.unscopedCalls).toEqual([]);
  });

  it.each([
    ["a run id that climbs out of the agent's directory", "../../../etc"],
    ["a run id with a slash", "run-old/../../x"],
    ["a run id that disagrees with the Job's run-id label", "run-other"],
  ])("attack: %s is not adopted (blocked, nothing read)", async (_attack, runId) => {
    const world = new RunWorld();
    const orphan = world.start(makeRequest({ runId: "run-old" }), undefined, world.otherServer());
    await world.until(() => world.kubernetes.podOf(world.jobName) !== undefined, "orphan pod created");
    const [job] = world.kubernetes.jobs.values();
    annotateHostile(job!, runId);

    const guard = new ConcurrencyGuard(world.kubernetes, world.clock);
    const decision = await guard.decide(
      { namespace: job!.metadata.namespace ?? "" },
      makeRequest({ runId: "run-new" }),
      { status: () => {} },
    );
    expect(decision.ok).toBe(false);
    if (!decision.ok) {
      expect(decision.failure.errorCode).toBe("k8s_concurrent_run_blocked");
      expect(decision.failure.details.detail).toBe("it carries no valid run id to recompute its file paths from");
    }
    expect(world.files.readPaths.filter((path) => !path.startsWith(RUN_LOG_ROOT))).toEqual([]);
    expect(job!.metadata.labels?.[LABEL_KEYS.runId]).toBe("run-old");
    await world.playPod({ runId: "run-old" });
    await world.clock.runUntil(() => orphan.report !== undefined);
  });
});
