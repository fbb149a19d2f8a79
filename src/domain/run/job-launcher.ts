/**
 * Creates one run's Job safely: suspended first, then the per-run Secret owned by it, then resumed.
 * A Secret can therefore never outlive its Job, and the pod never starts without its Secret. A
 * create that meets an existing Job for the SAME run is recognised (a retried execute), not
 * duplicated; one that fails half-way deletes what it created.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job } from "../../ports/kubernetes-objects.js";
import type { JobReference, KubernetesPort } from "../../ports/kubernetes-port.js";
import { apiFailure } from "../cluster/api-failure.js";
import { phaseLine } from "../cluster/phase-line.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import { readRunAnnotations } from "../job/job-labels.js";
import type { RunManifests } from "../job/job-manifest-factory.js";
import { retryRunCall } from "./api-retry.js";

export interface LaunchedJob {
  readonly reference: JobReference;
  /** True when the Job already existed for this very run (a retried create). */
  readonly recognised: boolean;
}

export class JobLauncher {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
  ) {}

  async launch(
    namespace: string,
    runId: string,
    manifests: RunManifests,
    log: (line: string) => void,
  ): Promise<Result<LaunchedJob>> {
    const created = await this.createOrRecognise(namespace, runId, manifests, log);
    if (!created.ok) return created;
    const { reference } = created.value;
    const secret = await retryRunCall(
      this.clock,
      () => this.kubernetes.createOwnedSecret(namespace, manifests.secret, reference),
      log,
    );
    // A 409 means an earlier attempt of this same run already created it, owned by this Job.
    const secretFailed = !secret.ok && secret.failure.kind !== "conflict";
    const resumed = secretFailed
      ? null
      : await retryRunCall(this.clock, () => this.kubernetes.resumeJob(namespace, reference.name), log);
    const failure = secretFailed ? secret : resumed && !resumed.ok ? resumed : null;
    if (failure && !failure.ok) {
      await this.kubernetes.deleteJob(namespace, reference.name, "Background").catch(() => false);
      return fail(apiFailure(failure.failure));
    }
    return created;
  }

  private async createOrRecognise(
    namespace: string,
    runId: string,
    manifests: RunManifests,
    log: (line: string) => void,
  ): Promise<Result<LaunchedJob>> {
    const created = await retryRunCall(this.clock, () => this.kubernetes.createJob(namespace, manifests.job), log);
    if (created.ok) return ok({ reference: referenceOf(namespace, created.value), recognised: false });
    if (created.failure.kind !== "conflict") return fail(apiFailure(created.failure));

    const existing = await this.kubernetes.readJob(namespace, manifests.jobName).catch(() => null);
    if (existing && readRunAnnotations(existing)?.runId === runId) {
      log(phaseLine(`Job ${manifests.jobName} already exists for this run; continuing with it`));
      return ok({ reference: referenceOf(namespace, existing), recognised: true });
    }
    return fail(
      runFailure("k8s_api_error", {
        operation: `create Job ${namespace}/${manifests.jobName}`,
        status: 409,
        detail: "a Job with this name already exists for another run; delete it or retry the run",
      }),
    );
  }
}

function referenceOf(namespace: string, job: Job): JobReference {
  return { namespace, name: job.metadata.name ?? "", uid: job.metadata.uid ?? "" };
}
