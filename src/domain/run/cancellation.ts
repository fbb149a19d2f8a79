/**
 * The operator's cancel, answered in one place. Once the run follows a Job, a cancel deletes that
 * Job — once — and is acknowledged when the delete was accepted or the Job was already gone (else
 * the delete's failure is the answer). A cancel before any Job existed has nothing to stop and is
 * acknowledged at once. When the run ends the listener goes: a late cancel sends no DELETE.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import { apiFailure } from "../cluster/api-failure.js";
import { phaseLine } from "../cluster/phase-line.js";
import type { RunFailure } from "../errors.js";
import type { RunCleanup } from "./run-cleanup.js";
import type { RunJob, RunScope } from "./run-phases.js";

export type CancelAnswer = { readonly acknowledgedAt: string } | { readonly failure: RunFailure };

export class Cancellation {
  private answer: Promise<CancelAnswer> | null = null;
  private stopListening: () => void = () => undefined;

  constructor(
    private readonly scope: RunScope,
    private readonly clock: ClockPort,
    private readonly cleanup: RunCleanup,
  ) {}

  get requested(): boolean {
    return this.scope.signal.aborted;
  }

  /** From now until `end()`, the operator's cancel deletes this Job. */
  guard(job: RunJob): void {
    const onCancel = () => void (this.answer ??= this.deleteJob(job));
    const { signal } = this.scope;
    if (signal.aborted) return onCancel();
    signal.addEventListener("abort", onCancel, { once: true });
    this.stopListening = () => signal.removeEventListener("abort", onCancel);
  }

  /** The answer to the operator's cancel; null when none was requested. */
  async answered(): Promise<CancelAnswer | null> {
    if (!this.scope.signal.aborted) return null;
    return this.answer ?? this.acknowledgedNow();
  }

  /** The run has ended: a cancel arriving now has nothing of this run's to act on. */
  end(): void {
    this.stopListening();
    this.stopListening = () => undefined;
  }

  private async deleteJob(job: RunJob): Promise<CancelAnswer> {
    void this.scope.status(phaseLine(`cancel requested: deleting Job ${job.namespace}/${job.jobName}`));
    const deleted = await this.cleanup.deleteJob(job, this.scope.status);
    return deleted.ok ? this.acknowledgedNow() : { failure: apiFailure(deleted.failure) };
  }

  private acknowledgedNow(): CancelAnswer {
    return { acknowledgedAt: new Date(this.clock.now()).toISOString() };
  }
}
