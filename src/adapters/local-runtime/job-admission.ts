/**
 * What the local runtime refuses at createJob, as an admission check would: a Job it cannot run
 * faithfully is rejected with 422 and a message naming the field and the fix, instead of being
 * run differently from a cluster.
 */
import type { Job } from "../../ports/kubernetes-objects.js";
import { mountProblems, type DataVolumeRule } from "./mount-table.js";

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function jobAdmissionProblems(job: Job, rule: DataVolumeRule): string[] {
  const problems: string[] = [];
  const name = job.metadata.name ?? "";
  if (!DNS_SUBDOMAIN.test(name) || name.length > 63) {
    problems.push(`metadata.name "${name}" must be a lowercase RFC 1123 name of at most 63 characters`);
  }
  if (job.spec.backoffLimit !== 0) {
    problems.push(
      `spec.backoffLimit is ${job.spec.backoffLimit ?? "unset (6)"}; the local runtime runs a Job's pod once: set backoffLimit: 0`,
    );
  }
  const spec = job.spec.template.spec;
  if (spec.restartPolicy !== "Never") {
    problems.push(
      `spec.template.spec.restartPolicy must be "Never" on the local runtime (got "${spec.restartPolicy ?? ""}")`,
    );
  }
  if (spec.containers.length === 0) problems.push("spec.template.spec.containers is empty");
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    if (!container.command?.length) {
      problems.push(
        `container "${container.name}" has no command; the local runtime ignores images, so it cannot use an image's entrypoint`,
      );
    }
  }
  return [...problems, ...mountProblems(spec, rule)];
}
