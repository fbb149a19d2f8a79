/**
 * Test knobs per operation: the next N requests for a `verb resource` fail with a given status,
 * or are answered late (to trip a client's timeout).
 */
import { failureStatus, type KubeStatus } from "./status.js";

export type Verb = "get" | "list" | "watch" | "create" | "patch" | "update" | "delete";

/** "*" matches any verb or resource. */
export interface OperationMatch {
  readonly verb: Verb | "*";
  readonly resource: string;
}

export interface FaultSpec extends OperationMatch {
  readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 422 | 429 | 500 | 503 | 504;
  /** How many matching requests fail; default 1. */
  readonly times?: number;
  readonly message?: string;
}

export interface DelaySpec extends OperationMatch {
  readonly ms: number;
  readonly times?: number;
}

interface Pending<T> {
  readonly spec: T;
  remaining: number;
}

const matches = (m: OperationMatch, verb: Verb, resource: string) =>
  (m.verb === "*" || m.verb === verb) && (m.resource === "*" || m.resource === resource);

function take<T extends OperationMatch>(queue: Array<Pending<T>>, verb: Verb, resource: string): T | undefined {
  const index = queue.findIndex((p) => matches(p.spec, verb, resource));
  const pending = queue[index];
  if (!pending) return undefined;
  if (--pending.remaining <= 0) queue.splice(index, 1);
  return pending.spec;
}

export class FaultPlan {
  private readonly faults: Array<Pending<FaultSpec>> = [];
  private readonly delays: Array<Pending<DelaySpec>> = [];

  failNext(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  delayNext(spec: DelaySpec): void {
    this.delays.push({ spec, remaining: spec.times ?? 1 });
  }

  /** The Status to answer with instead of serving the request, if a fault is armed for it. */
  takeFault(verb: Verb, resource: string): KubeStatus | undefined {
    const spec = take(this.faults, verb, resource);
    if (!spec) return undefined;
    return failureStatus(spec.status, spec.message ?? `injected ${spec.status} for ${verb} ${resource}`);
  }

  takeDelayMs(verb: Verb, resource: string): number {
    return take(this.delays, verb, resource)?.ms ?? 0;
  }

  clear(): void {
    this.faults.length = 0;
    this.delays.length = 0;
  }
}

/** API requests by `verb resource` (e.g. `list jobs`, `watch pods`), for per-run request budgets. */
export class RequestCounter {
  private counts = new Map<string, number>();

  count(verb: Verb, resource: string): void {
    const key = `${verb} ${resource}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  get(key: `${Verb} ${string}`): number {
    return this.counts.get(key) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }

  reset(): void {
    this.counts = new Map();
  }
}
