/**
 * Creates one run's Job safely: suspended first, then the agent's run slot owned by it (one running
 * Job per agent, enforced by the API server), then the per-run Secret owned by it, then resumed.
 * A Secret can therefore never outlive its Job, and the pod never starts without its Secret. The
 * Job's name is deterministic from the run, so a create that meets an existing Job of the SAME run
 * (a retried create whose first answer was lost) is recognised, not duplicated, and a failed read
 * of it is retried rather than taken for "another run". A launch that fails half-way deletes what it
 * created, retrying the delete; a delete that still fails is reported with the leftover's name.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job } from "../../ports/kubernetes-objects.js";
import type { JobReference, KubernetesApiError, KubernetesPort } from "../../ports/kubernetes-port.js";
import { apiFailure, asApiError, describeApiError } from "../cluster/api-failure.js";
import { phaseLine } from "../cluster/phase-line.js";
import { storedName } from "../cluster/run-objects.js";
import { fail, ok, runFailure, type Result, type RunFailure } from "../errors.js";
import { readRunAnnotations } from "../job/job-labels.js";
import type { RunManifests } from "../job/job-manifest-factory.js";
import { AgentRunSlot } from "./agent-run-slot.js";
import { retryRunCall } from "./api-retry.js";
import type { PlacedRun, RunScope } from "./run-phases.js";
import type { StatusSink } from "./status-sink.js";

export interface LaunchedJob {
  readonly reference: JobReference;
  /** True when the Job already existed for this very run (a retried create). */
  readonly recognised: boolean;
}

export class JobLauncher {
  private readonly slot: AgentRunSlot;

  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
  ) {
    this.slot = new AgentRunSlot(kubernetes, clock);
  }

  async launch(placed: PlacedRun, manifests: RunManifests, { status }: RunScope): Promise<Result<LaunchedJob>> {
    const { namespace, ids } = placed;
    const created = await this.createOrRecognise(namespace, ids.runId, manifests, status);
    if (!created.ok) return created;
    const { reference, recognised } = created.value;
    const slot = await this.slot.take(manifests.slot, reference, ids.agentId, recognised, status);
    if (!slot.ok) return fail(await this.undo(reference, slot.failure, status));
    const secret = await retryRunCall(
      this.clock,
      () => this.kubernetes.createOwnedSecret(namespace, manifests.secret, reference),
      status,
    );
    // A 409 means an earlier attempt of this same run already created it, owned by this Job.
    const secretFailed = !secret.ok && secret.failure.kind !== "conflict";
    const resumed = secretFailed
      ? null
      : await retryRunCall(this.clock, () => this.kubernetes.resumeJob(namespace, reference.name), status);
    const failure = secretFailed ? secret : resumed && !resumed.ok ? resumed : null;
    if (failure && !failure.ok) return fail(await this.undo(reference, apiFailure(failure.failure), status));
    return created;
  }

  /**
   * Deletes a Job this launch created (its Secret goes with it), retrying transient failures: a
   * suspended Job has no TTL, so a swallowed failure would leak it and block the agent. The cause
   * is returned when the undo worked, else a failure naming the leftover.
   */
  private async undo(reference: JobReference, cause: RunFailure, status: StatusSink): Promise<RunFailure> {
    const { namespace, name } = reference;
    void status(phaseLine(`launch of Job ${namespace}/${name} failed: deleting it`));
    const deleted = await retryRunCall(
      this.clock,
      () => this.kubernetes.deleteJob(namespace, name, "Background"),
      status,
    );
    if (deleted.ok) return cause;
    return runFailure("k8s_launch_undo_failed", {
      job: `${namespace}/${name}`,
      namespace,
      name,
      cause: cause.errorMessage,
      detail: describeApiError(deleted.failure),
    });
  }

  private async createOrRecognise(
    namespace: string,
    runId: string,
    manifests: RunManifests,
    status: StatusSink,
  ): Promise<Result<LaunchedJob>> {
    const created = await retryRunCall(this.clock, () => this.kubernetes.createJob(namespace, manifests.job), status);
    if (created.ok) return ok({ reference: referenceOf(namespace, created.value), recognised: false });
    if (created.failure.kind !== "conflict") return fail(apiFailure(created.failure));

    const existing = await retryRunCall(
      this.clock,
      () => this.kubernetes.readJob(namespace, manifests.jobName),
      status,
    );
    if (!existing.ok) return fail(this.unreadable(namespace, manifests.jobName, existing.failure));
    // Gone between the 409 and the read (deleted or collected): the name is free again.
    if (existing.value === null) return this.createOnce(namespace, manifests);
    if (readRunAnnotations(existing.value)?.runId === runId) {
      void status(phaseLine(`Job ${manifests.jobName} already exists for this run; continuing with it`));
      return ok({ reference: referenceOf(namespace, existing.value), recognised: true });
    }
    return fail(
      runFailure("k8s_api_error", {
        operation: `create Job ${namespace}/${manifests.jobName}`,
        status: 409,
        detail: "a Job with this name already exists for another run; delete it or retry the run",
      }),
    );
  }

  private async createOnce(namespace: string, manifests: RunManifests): Promise<Result<LaunchedJob>> {
    try {
      const job = await this.kubernetes.createJob(namespace, manifests.job);
      return ok({ reference: referenceOf(namespace, job), recognised: false });
    } catch (error) {
      return fail(apiFailure(asApiError(error, "createJob")));
    }
  }

  /** The Job that holds this run's name could not be read: this run may have created it, so it is named. */
  private unreadable(namespace: string, name: string, error: KubernetesApiError): RunFailure {
    return runFailure("k8s_api_error", {
      operation: `read Job ${namespace}/${name}`,
      status: error.status ?? error.kind,
      detail: `${describeApiError(error)}; the Job carries this run's name and may be this run's own, left behind: delete it with kubectl delete job -n ${namespace} ${name} or retry the run`,
    });
  }
}

function referenceOf(namespace: string, job: Job): JobReference {
  return { namespace, name: storedName(job), uid: job.metadata.uid ?? "" };
}
