/**
 * The runs this server process is carrying out now: which Jobs they hold (so a second run never
 * adopts a Job a live run follows, and the reconciler never removes it), and one claim at a time
 * per agent (so two runs of one agent in this process never race to launch).
 */
export class LiveRuns {
  private readonly held = new Map<string, number>();
  private readonly runs = new Map<string, number>();
  private readonly claims = new Map<string, Promise<unknown>>();

  /** Marks the Job held until the returned release is called (idempotent). */
  hold(namespace: string, jobName: string): () => void {
    return count(this.held, `${namespace}/${jobName}`);
  }

  holds(namespace: string, jobName: string): boolean {
    return this.held.has(`${namespace}/${jobName}`);
  }

  /** Marks a run (and so its directory on the volume) live until the returned release is called. */
  holdRun(runId: string): () => void {
    return count(this.runs, runId);
  }

  holdsRun(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** Runs `claim` after every earlier claim of the same agent has settled. */
  async exclusive<T>(agentKey: string, claim: () => Promise<T>): Promise<T> {
    const before = this.claims.get(agentKey) ?? Promise.resolve();
    const mine = before.then(claim, claim);
    const settled = mine.then(
      () => undefined,
      () => undefined,
    );
    this.claims.set(agentKey, settled);
    try {
      return await mine;
    } finally {
      if (this.claims.get(agentKey) === settled) this.claims.delete(agentKey);
    }
  }
}

function count(counts: Map<string, number>, key: string): () => void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (counts.get(key) ?? 1) - 1;
    if (left <= 0) counts.delete(key);
    else counts.set(key, left);
  };
}
