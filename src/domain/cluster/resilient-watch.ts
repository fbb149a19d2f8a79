/**
 * One label-selected watch (Jobs or Pods of one namespace) kept alive for as long as its owner
 * wants it: the port's informer already re-lists on 410 inside one life; this adds what it lacks.
 * - restart with exponential backoff after the informer reports an error (it stops for good then);
 * - a stall watchdog: no event for `stallTimeoutMs` restarts the watch. An idle informer is
 *   indistinguishable from a dead one, so we restart either way; a restart is one cheap list;
 * - after a restart, one list reconciles the cache: objects deleted while no watch was open get a
 *   synthetic DELETED, so no transition is missed (the new informer re-emits the rest as ADDED).
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { ObjectMeta, WatchEventType } from "../../ports/kubernetes-objects.js";
import type { KubernetesApiError, WatchObserver, WatchSubscription } from "../../ports/kubernetes-port.js";
import { asApiError, describeApiError } from "./api-failure.js";
import { backoffDelay, type BackoffBounds } from "./backoff.js";

export interface ResilientWatchOptions {
  readonly restartBackoffMs: BackoffBounds;
  readonly stallTimeoutMs: number;
}

/** Where the objects come from: the port's watch and list for one kind, namespace and selector. */
export interface WatchSource<T> {
  /** For log lines, e.g. `jobs watch in namespace "agents"`. */
  readonly description: string;
  start(observer: WatchObserver<T>): WatchSubscription;
  list(): Promise<T[]>;
}

export interface WatchHooks<T> {
  /** After the cache changed (or, for a DELETED, after the object left it). */
  onChange(type: WatchEventType, object: T): void;
  /** Healthy = a watch is open and its cache is known to be complete. */
  onHealth(healthy: boolean): void;
  /** Counted by the owner: every port watch call, and every restart. */
  onConnect(restart: boolean): void;
  log(line: string): void;
}

type State = "idle" | "running" | "backoff" | "stopped";

export class ResilientWatch<T extends { metadata: ObjectMeta }> {
  private readonly cache = new Map<string, T>();
  private readonly lifetime = new AbortController();
  /** Bumped on every (re)connect and stop, so events from an abandoned informer are ignored. */
  private generation = 0;
  private state: State = "idle";
  private subscription: WatchSubscription | undefined;
  private consecutiveFailures = 0;
  private connectedAt = 0;
  private lastActivityAt = 0;
  private healthy = false;
  /** Names the current watch has delivered since it (re)connected: they need no reconciling. */
  private confirmed = new Set<string>();

  constructor(
    private readonly source: WatchSource<T>,
    private readonly clock: ClockPort,
    private readonly options: ResilientWatchOptions,
    private readonly hooks: WatchHooks<T>,
  ) {}

  start(): void {
    if (this.state !== "idle") return;
    this.connect(false);
    // 0 or Infinity turns the stall watchdog off (and keeps it from spinning).
    if (this.options.stallTimeoutMs > 0 && Number.isFinite(this.options.stallTimeoutMs)) void this.watchdog();
  }

  stop(): void {
    this.state = "stopped";
    this.generation++;
    this.lifetime.abort();
    this.subscription?.stop();
    this.subscription = undefined;
    this.cache.clear();
  }

  get(name: string): T | undefined {
    return this.cache.get(name);
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  private connect(restart: boolean): void {
    const generation = ++this.generation;
    this.state = "running";
    this.connectedAt = this.lastActivityAt = this.clock.monotonicMs();
    this.confirmed = new Set();
    const observer: WatchObserver<T> = {
      onEvent: (type, object) => {
        if (generation === this.generation) this.apply(type, object);
      },
      onError: (error) => {
        if (generation === this.generation) this.fail(error);
      },
    };
    this.hooks.onConnect(restart);
    let subscription: WatchSubscription;
    try {
      subscription = this.source.start(observer);
    } catch (error) {
      this.fail(asApiError(error, this.source.description));
      return;
    }
    // The port may report an error before it even returns; then this subscription is already abandoned.
    if (generation !== this.generation) {
      subscription.stop();
      return;
    }
    this.subscription = subscription;
    if (restart) void this.reconcile(generation);
    else this.setHealthy(true);
  }

  private apply(type: WatchEventType, object: T): void {
    const name = object.metadata.name;
    if (name === undefined) return;
    this.lastActivityAt = this.clock.monotonicMs();
    this.confirmed.add(name);
    if (type === "DELETED") {
      this.cache.delete(name);
    } else {
      const known = this.cache.get(name)?.metadata.resourceVersion;
      this.cache.set(name, object);
      // A restarted informer re-emits unchanged objects as ADDED: nothing for listeners to see.
      if (known !== undefined && known === object.metadata.resourceVersion) return;
    }
    this.hooks.onChange(type, object);
  }

  private async reconcile(generation: number): Promise<void> {
    let listed: T[];
    try {
      listed = await this.source.list();
    } catch (error) {
      if (generation === this.generation) this.fail(asApiError(error, this.source.description));
      return;
    }
    if (generation !== this.generation) return;
    const present = new Set(listed.map((object) => object.metadata.name));
    for (const [name, object] of [...this.cache]) {
      if (present.has(name) || this.confirmed.has(name)) continue;
      this.cache.delete(name);
      this.hooks.onChange("DELETED", object);
    }
    this.setHealthy(true);
  }

  private fail(error: KubernetesApiError): void {
    if (this.state !== "running") return;
    this.generation++;
    this.subscription?.stop();
    this.subscription = undefined;
    // A watch that stayed up longer than the longest backoff earned a fresh start.
    if (this.clock.monotonicMs() - this.connectedAt >= this.options.restartBackoffMs.max) this.consecutiveFailures = 0;
    this.consecutiveFailures++;
    const delay = backoffDelay(this.options.restartBackoffMs, this.consecutiveFailures);
    this.state = "backoff";
    this.setHealthy(false);
    this.hooks.log(
      `${this.source.description} failed (${describeApiError(error)}); restarting in ${delay} ms (attempt ${this.consecutiveFailures})`,
    );
    void this.clock.sleep(delay, this.lifetime.signal).then((outcome) => {
      if (outcome === "elapsed" && this.state === "backoff") this.connect(true);
    });
  }

  private async watchdog(): Promise<void> {
    while (this.state !== "stopped") {
      const remaining = this.lastActivityAt + this.options.stallTimeoutMs - this.clock.monotonicMs();
      if (remaining > 0) {
        if ((await this.clock.sleep(remaining, this.lifetime.signal)) === "aborted") return;
        continue;
      }
      if (this.state === "running") {
        this.hooks.log(
          `${this.source.description} silent for ${Math.round(this.options.stallTimeoutMs / 1000)} s; restarting it (re-list) in case it stalled`,
        );
        this.generation++;
        this.subscription?.stop();
        this.subscription = undefined;
        this.connect(true);
      } else {
        // In backoff the restart timer owns the next attempt; look again a full period later.
        this.lastActivityAt = this.clock.monotonicMs();
      }
    }
  }

  private setHealthy(healthy: boolean): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.hooks.onHealth(healthy);
  }
}
