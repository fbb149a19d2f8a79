/**
 * The server's own writes and cleanup's unlinks stay under the run-log root whatever a pod did to
 * the directories below it (in-memory volume): a symlinked directory is refused, never followed.
 */
import { describe, expect, it } from "vitest";
import { PromptDelivery } from "../../../src/domain/job/prompt-delivery.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { RunCleanup } from "../../../src/domain/run/run-cleanup.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { ManualClock } from "../../fakes/manual-clock.js";

const ROOT = "/paperclip/run-logs";
const paths = runFilePaths(ROOT, { tenantId: "co-1", agentId: "agent-2", runId: "run-3" });

function hostileVolume(): InMemoryFileSystem {
  const fs = new InMemoryFileSystem();
  fs.append("/etc/passwd", "root:x:0:0\n");
  // The pod replaced a directory of the chain with a symlink to a server directory.
  fs.symlink(`${ROOT}/co-1/agent-2`, "/etc");
  return fs;
}

describe("confined writes and unlinks (fakes)", () => {
  it("attack: a symlinked directory makes the prompt write fail with k8s_run_path_unsafe, writing nothing", async () => {
    const fs = hostileVolume();
    const result = await new PromptDelivery(fs).write(paths, "the prompt", 1024);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errorCode).toBe("k8s_run_path_unsafe");
    expect(result.failure.errorMessage).toContain('a symlink stands where the directory "agent-2" should be');
    expect(fs.paths()).toEqual(["/etc/passwd"]);
  });

  it("attack: cleanup's unlinks through a symlinked directory are refused and the server file survives", async () => {
    const fs = hostileVolume();
    const cleanup = new RunCleanup(new FakeKubernetes(), fs, new ManualClock(0));
    const outsidePaths = { ...paths, stdout: `${ROOT}/co-1/agent-2/passwd` };
    const result = await cleanup.cleanUp({ namespace: "ns", jobName: null, files: outsidePaths }, false, () => {});
    // The four files, the trailer's temporary file and the run directory: every call refused.
    expect(result.problems).toHaveLength(6);
    expect(result.problems[0]).toContain('a symlink stands where the directory "agent-2" should be');
    expect(fs.textOf("/etc/passwd")).toBe("root:x:0:0\n");
  });

  it("the prompt write and cleanup pass the run-log root on every call", async () => {
    const fs = new InMemoryFileSystem();
    await new PromptDelivery(fs).write(paths, "the prompt", 1024);
    const cleanup = new RunCleanup(new FakeKubernetes(), fs, new ManualClock(0));
    await cleanup.cleanUp({ namespace: "ns", jobName: null, files: paths }, false, () => {});
    expect(fs.unscopedCalls).toEqual([]);
    expect(fs.paths()).toEqual([]);
  });
});
