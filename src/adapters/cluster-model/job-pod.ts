/**
 * The pod the Job controller makes from a Job's template: its generated name, the labels and the
 * controller owner reference a cluster puts on it. Identity (uid, creation time) is the store's.
 */
import { randomInt } from "node:crypto";
import type { Job, Pod } from "../../ports/kubernetes-objects.js";

const POD_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export function podForJob(job: Job): Pod {
  const jobName = job.metadata.name ?? "";
  const uid = job.metadata.uid ?? "";
  const template = structuredClone(job.spec.template);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${jobName.slice(0, 57)}-${randomPodSuffix()}`,
      namespace: job.metadata.namespace ?? "",
      labels: {
        ...template.metadata?.labels,
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": jobName,
        "controller-uid": uid,
        "job-name": jobName,
      },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [
        { apiVersion: "batch/v1", kind: "Job", name: jobName, uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: template.spec,
    status: { phase: "Pending" },
  };
}

/** Five characters from the alphabet the apiserver's name generator uses. */
function randomPodSuffix(): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += POD_NAME_ALPHABET[randomInt(POD_NAME_ALPHABET.length)];
  return suffix;
}
