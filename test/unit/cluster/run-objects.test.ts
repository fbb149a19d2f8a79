import { describe, expect, it } from "vitest";
import { finishedCondition, jobNameOfPod, pickCurrentPod } from "../../../src/domain/cluster/run-objects.js";
import { podWith, runJob } from "./run-fixtures.js";

const pod = (name: string, created: string, deleting = false) => {
  const p = podWith({});
  p.metadata = { ...p.metadata, name, creationTimestamp: created, ...(deleting ? { deletionTimestamp: created } : {}) };
  return p;
};

describe("run objects", () => {
  it("picks the newest pod that is not being deleted as the run's pod", () => {
    const evicted = pod("old", "2026-01-01T00:00:00Z");
    const replacement = pod("new", "2026-01-01T00:05:00Z");
    const deleting = pod("newest-but-deleting", "2026-01-01T00:09:00Z", true);
    expect(pickCurrentPod([evicted, deleting, replacement])?.metadata.name).toBe("new");
    expect(pickCurrentPod([deleting])?.metadata.name).toBe("newest-but-deleting");
    expect(pickCurrentPod([])).toBeNull();
  });

  it("finds the Job name under either of the Job controller's labels", () => {
    const p = podWith({});
    p.metadata.labels = { "batch.kubernetes.io/job-name": "run-7" };
    expect(jobNameOfPod(p)).toBe("run-7");
    p.metadata.labels = {};
    expect(jobNameOfPod(p)).toBeUndefined();
  });

  it("sees a Job as finished only on a Complete or Failed condition that is True", () => {
    const job = runJob("run-1");
    job.status = {
      conditions: [
        { type: "Suspended", status: "True" },
        { type: "Failed", status: "False" },
      ],
    };
    expect(finishedCondition(job)).toBeUndefined();
    job.status.conditions?.push({ type: "Failed", status: "True", reason: "DeadlineExceeded" });
    expect(finishedCondition(job)?.reason).toBe("DeadlineExceeded");
  });
});
