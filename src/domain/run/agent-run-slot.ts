/**
 * One running Job per agent, decided by the API server: the launch creates the agent's run-slot
 * Secret (one deterministic name per agent, no data) owned by its suspended Job before resuming it.
 * The API server creates a name only once, so of two launches of one agent — in one server or two —
 * exactly one gets the slot; the other undoes its Job. The slot goes with its Job (owner reference).
 * A slot still held by a FINISHED Job (its run died or kept it) is freed by deleting that Job.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, Secret } from "../../ports/kubernetes-objects.js";
import { KubernetesApiError, type JobReference, type KubernetesPort } from "../../ports/kubernetes-port.js";
import { apiFailure } from "../cluster/api-failure.js";
import { backoffDelay } from "../cluster/backoff.js";
import { phaseLine } from "../cluster/phase-line.js";
import { finishedCondition, storedName } from "../cluster/run-objects.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import { LABEL_KEYS, MANAGED_BY_SELECTOR, labelSelector } from "../job/job-labels.js";
import { retryRunCall } from "./api-retry.js";
import type { StatusSink } from "./status-sink.js";

/** Tries to take the slot; between tries, a holder being deleted has time to go (GC). */
const SLOT_ATTEMPTS = 6;
const SLOT_BACKOFF = { initial: 250, max: 4_000 };

export class AgentRunSlot {
  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
  ) {}

  /**
   * Takes the agent's slot for `job`. `mayHoldAlready`: an earlier attempt of this run may have
   * taken it (a retried launch), so a 409 with no other Job of the agent around is this run's own.
   */
  async take(
    slot: Secret,
    job: JobReference,
    agentId: string,
    mayHoldAlready: boolean,
    status: StatusSink,
  ): Promise<Result<void>> {
    const { namespace } = job;
    const name = storedName(slot);
    let uncertain = mayHoldAlready;
    for (let attempt = 1; attempt <= SLOT_ATTEMPTS; attempt++) {
      if (attempt > 1) await this.clock.sleep(backoffDelay(SLOT_BACKOFF, attempt - 1));
      try {
        await this.kubernetes.createOwnedSecret(namespace, slot, job);
        return ok(undefined);
      } catch (error) {
        if (!(error instanceof KubernetesApiError)) throw error;
        if (error.transient) {
          // The create may have happened with its answer lost: a later 409 may be our own.
          uncertain = true;
          continue;
        }
        if (error.kind !== "conflict") return fail(apiFailure(error));
      }
      const listed = await retryRunCall(
        this.clock,
        () =>
          this.kubernetes.listJobs(
            namespace,
            `${MANAGED_BY_SELECTOR},${labelSelector({ [LABEL_KEYS.agentId]: agentId })}`,
          ),
        status,
      );
      if (!listed.ok) return fail(apiFailure(listed.failure));
      const others = listed.value.filter((other) => other.metadata.name !== job.name);
      const live = others.find((other) => !other.metadata.deletionTimestamp && !finishedCondition(other));
      if (live) {
        return fail(
          runFailure("k8s_concurrent_run_blocked", {
            agentId,
            job: live.metadata.name,
            detail: `it holds the agent's run slot ${namespace}/${name}`,
          }),
        );
      }
      if (others.length === 0 && uncertain) return ok(undefined);
      await this.freeFromFinished(others, name, status);
    }
    return fail(
      runFailure("k8s_concurrent_run_blocked", {
        agentId,
        job: name,
        detail: `the agent's run slot Secret ${namespace}/${name} stayed taken with no running Job of the agent; delete that Secret if no run of this agent is going on`,
      }),
    );
  }

  /** Finished Jobs still holding the slot: their runs are over (or died), so they are deleted. */
  private async freeFromFinished(others: readonly Job[], slotName: string, status: StatusSink): Promise<void> {
    for (const holder of others) {
      if (holder.metadata.deletionTimestamp) continue;
      const namespace = holder.metadata.namespace ?? "";
      const holderName = storedName(holder);
      void status(
        phaseLine(`finished Job ${namespace}/${holderName} still holds the run slot ${slotName}: deleting it`),
      );
      await retryRunCall(this.clock, () => this.kubernetes.deleteJob(namespace, holderName, "Background"), status);
    }
  }
}
