import { describe, expect, it } from "vitest";
import { jobAdmissionProblems } from "../../../src/adapters/local-runtime/job-admission.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";

const rule = { dataDirectory: "/srv/data", dataClaimName: "paperclip-data" };
const job = (change: (job: Job) => void = () => {}): Job => {
  const value: Job = {
    metadata: { name: "run-1" },
    spec: {
      backoffLimit: 0,
      template: { spec: { restartPolicy: "Never", containers: [{ name: "claude", command: ["sh", "-c", "true"] }] } },
    },
  };
  change(value);
  return value;
};

describe("local runtime admission of Jobs", () => {
  it("accepts a Job of the factory's shape", () => {
    expect(jobAdmissionProblems(job(), rule)).toEqual([]);
  });

  it.each([
    ["an invalid name", (j: Job) => (j.metadata.name = "Run_1"), /metadata.name "Run_1"/],
    ["a retrying Job", (j: Job) => delete j.spec.backoffLimit, /backoffLimit is unset \(6\).*set backoffLimit: 0/],
    [
      "restartPolicy OnFailure",
      (j: Job) => (j.spec.template.spec.restartPolicy = "OnFailure"),
      /restartPolicy must be "Never"/,
    ],
    [
      "a container relying on its image's entrypoint",
      (j: Job) => delete j.spec.template.spec.containers[0]!.command,
      /container "claude" has no command/,
    ],
  ])("refuses %s, naming the field", (_what, change, message) => {
    const problems = jobAdmissionProblems(job(change), rule);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
