/** The few admission checks the apiserver makes that a buggy Job builder could trip (422 Invalid). */
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import { statusError } from "./status.js";

const RESTART_POLICIES = new Set(["Never", "OnFailure"]);

export function validateJob(job: Job): void {
  const name = job.metadata?.name ?? "";
  const problems: string[] = [];
  const spec = job.spec?.template?.spec;
  if (!spec) problems.push("spec.template.spec: Required value");
  else {
    if (!spec.containers || spec.containers.length === 0)
      problems.push("spec.template.spec.containers: Required value");
    for (const [i, c] of (spec.containers ?? []).entries()) {
      if (!c.name) problems.push(`spec.template.spec.containers[${i}].name: Required value`);
      if (!c.image) problems.push(`spec.template.spec.containers[${i}].image: Required value`);
    }
    if (!RESTART_POLICIES.has(spec.restartPolicy ?? "Always")) {
      problems.push(`spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"`);
    }
  }
  if (name.length > 63) problems.push(`metadata.name: Invalid value: "${name}": must be no more than 63 characters`);
  if (problems.length > 0) {
    throw statusError(422, `Job.batch "${name}" is invalid: ${problems.join(", ")}`, "Invalid", {
      name,
      group: "batch",
      kind: "Job",
    });
  }
}
