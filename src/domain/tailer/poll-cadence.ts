/**
 * How long to wait before the next poll: fast while the files grow, slow once they have been idle
 * for a while, fast again on any growth. Transient read errors back off separately and boundedly.
 */
import type { TailOptions } from "./tail-options.js";

type CadenceOptions = Pick<TailOptions, "fastPollMs" | "slowPollMs" | "idlePollsBeforeSlow">;
type RetryOptions = Pick<TailOptions, "fastPollMs" | "readRetryLimit" | "maxRetryBackoffMs">;

export class PollCadence {
  private idlePolls = 0;

  constructor(private readonly options: CadenceOptions) {}

  /** The pause after a poll that did (`grew`) or did not find new bytes. */
  next(grew: boolean): number {
    this.idlePolls = grew ? 0 : this.idlePolls + 1;
    return this.idlePolls >= this.options.idlePollsBeforeSlow ? this.options.slowPollMs : this.options.fastPollMs;
  }
}

export class RetryBackoff {
  private failures = 0;

  constructor(private readonly options: RetryOptions) {}

  /** Consecutive failed polls so far. */
  get attempts(): number {
    return this.failures;
  }

  /** Records a failed poll; the pause before retrying, or null when the retries are used up. */
  failed(): number | null {
    this.failures += 1;
    if (this.failures > this.options.readRetryLimit) return null;
    const doubled = this.options.fastPollMs * 2 ** Math.min(this.failures - 1, 30);
    return Math.min(doubled, this.options.maxRetryBackoffMs);
  }

  succeeded(): void {
    this.failures = 0;
  }
}
