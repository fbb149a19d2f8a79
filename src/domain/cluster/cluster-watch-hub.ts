/**
 * The one place that watches the cluster. Every concurrent run subscribes here; per namespace
 * there is exactly ONE Job watch and ONE Pod watch (label-selected), started with the first
 * subscriber and stopped when the last one leaves. Runs wait on these events, never on their own
 * polling loop. Restart with backoff, the stall watchdog and reconciling after a gap live in
 * `ResilientWatch`.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { MANAGED_BY_SELECTOR } from "../job/job-labels.js";
import { settledSink, type StatusSink } from "../run/status-sink.js";
import { phaseLine } from "./phase-line.js";
import { NamespaceWatch, type RunSnapshot, type RunWatchListener, type WatchCounters } from "./namespace-watch.js";

export type { RunSnapshot, RunWatchListener } from "./namespace-watch.js";

export interface ClusterWatchHubOptions {
  /** Delay before restarting a failed watch: doubles per consecutive failure up to `max`. */
  restartBackoffMs: { initial: number; max: number };
  /**
   * A watch with no event for this long is restarted (one re-list). Informers are silent while
   * idle, so idle and stalled look alike; restarting both is cheap and the only safe reading.
   * 0 turns the watchdog off.
   */
  stallTimeoutMs: number;
  /** Selects the adapter's own Jobs and pods (their template carries the same label); empty watches all. */
  labelSelector: string;
}

export const DEFAULT_CLUSTER_WATCH_HUB_OPTIONS: ClusterWatchHubOptions = {
  restartBackoffMs: { initial: 1_000, max: 30_000 },
  stallTimeoutMs: 5 * 60_000,
  labelSelector: MANAGED_BY_SELECTOR,
};

export interface RunWatchHandle {
  close(): void;
}

export interface ClusterWatchHubStats {
  /** Port watch calls made, first starts and restarts alike. */
  readonly watchesStarted: number;
  readonly restarts: number;
  readonly activeNamespaces: number;
  readonly subscribers: number;
}

export class ClusterWatchHub {
  private readonly options: ClusterWatchHubOptions;
  private readonly namespaces = new Map<string, NamespaceWatch>();
  private readonly counters: WatchCounters = { watchesStarted: 0, restarts: 0 };
  /** The server's log: a sink that throws must not stop a watch from being restarted. */
  private readonly serverLog: StatusSink;

  constructor(
    private readonly kubernetes: KubernetesPort,
    private readonly clock: ClockPort,
    options: Partial<ClusterWatchHubOptions> = {},
    serverLog?: StatusSink,
  ) {
    this.options = { ...DEFAULT_CLUSTER_WATCH_HUB_OPTIONS, ...options };
    this.serverLog = settledSink(serverLog);
  }

  /**
   * Subscribes to one Job and its pods (pods found by the Job controller's `job-name` label).
   * Starts the namespace's shared watches on first use; stops them when the last subscriber
   * leaves. The listener hears changes only: read `snapshot()` for the state at subscription.
   */
  watchRun(namespace: string, jobName: string, listener: RunWatchListener): RunWatchHandle {
    let watch = this.namespaces.get(namespace);
    if (!watch) {
      watch = new NamespaceWatch(namespace, this.kubernetes, this.clock, this.options, this.counters, (line) =>
        this.serverLog(phaseLine(line)),
      );
      this.namespaces.set(namespace, watch);
      watch.start();
    }
    const owner = watch;
    owner.addListener(jobName, listener);
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        if (owner.removeListener(jobName, listener) > 0 || this.namespaces.get(namespace) !== owner) return;
        owner.stop();
        this.namespaces.delete(namespace);
      },
    };
  }

  /** The current view from the shared caches, without an API call. */
  snapshot(namespace: string, jobName: string): RunSnapshot {
    return this.namespaces.get(namespace)?.snapshot(jobName) ?? { job: null, pod: null, jobSeen: false };
  }

  /** Both watches of the namespace are open with a complete cache (false when nobody watches it). */
  isHealthy(namespace: string): boolean {
    return this.namespaces.get(namespace)?.isHealthy() ?? false;
  }

  stats(): ClusterWatchHubStats {
    let subscribers = 0;
    for (const watch of this.namespaces.values()) subscribers += watch.subscriberCount();
    return { ...this.counters, activeNamespaces: this.namespaces.size, subscribers };
  }

  /** Stops every watch; open handles become inert and their waiters fall back on their own bounds. */
  shutdown(): void {
    for (const watch of this.namespaces.values()) watch.stop();
    this.namespaces.clear();
  }
}
