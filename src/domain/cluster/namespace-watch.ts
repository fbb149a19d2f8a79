/**
 * The shared view of one namespace: ONE Job watch and ONE Pod watch (label-selected) for every
 * run in it, each run's listeners, and an index from Job name to its pods.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { Job, Pod, WatchEventType } from "../../ports/kubernetes-objects.js";
import type { KubernetesPort } from "../../ports/kubernetes-port.js";
import { ResilientWatch, type ResilientWatchOptions } from "./resilient-watch.js";
import { jobNameOfPod, pickCurrentPod, storedName } from "./run-objects.js";

export interface RunWatchListener {
  /** The Job changed; null when it was deleted. */
  onJob?(job: Job | null): void;
  /** The run's current pod changed; null when it has none (any more). */
  onPod?(pod: Pod | null): void;
  /** The namespace's watches went down (false) or are back with a complete cache (true). */
  onWatchHealth?(healthy: boolean): void;
}

export interface RunSnapshot {
  readonly job: Job | null;
  readonly pod: Pod | null;
  /** The Job has been observed since this run was first watched: `job === null` then means deleted. */
  readonly jobSeen: boolean;
}

export interface WatchCounters {
  watchesStarted: number;
  restarts: number;
}

interface RunGroup {
  readonly listeners: Set<RunWatchListener>;
  jobSeen: boolean;
}

export class NamespaceWatch {
  private readonly jobs: ResilientWatch<Job>;
  private readonly pods: ResilientWatch<Pod>;
  private readonly podNamesByJob = new Map<string, Set<string>>();
  private readonly runs = new Map<string, RunGroup>();
  private healthy = false;

  constructor(
    private readonly namespace: string,
    kubernetes: KubernetesPort,
    clock: ClockPort,
    options: ResilientWatchOptions & { readonly labelSelector: string },
    private readonly counters: WatchCounters,
    private readonly log: (line: string) => void,
  ) {
    const selector = options.labelSelector;
    const hooks = <T>(onChange: (type: WatchEventType, object: T) => void) => ({
      onChange,
      onHealth: () => this.updateHealth(),
      onConnect: (restart: boolean) => {
        this.counters.watchesStarted++;
        if (restart) this.counters.restarts++;
      },
      log,
    });
    this.jobs = new ResilientWatch<Job>(
      {
        description: `jobs watch in namespace "${namespace}"`,
        start: (observer) => kubernetes.watchJobs(namespace, selector, observer),
        list: () => kubernetes.listJobs(namespace, selector),
      },
      clock,
      options,
      hooks<Job>((type, job) => this.onJobChange(type, job)),
    );
    this.pods = new ResilientWatch<Pod>(
      {
        description: `pods watch in namespace "${namespace}"`,
        start: (observer) => kubernetes.watchPods(namespace, selector, observer),
        list: () => kubernetes.listPods(namespace, selector),
      },
      clock,
      options,
      hooks<Pod>((type, pod) => this.onPodChange(type, pod)),
    );
  }

  start(): void {
    this.jobs.start();
    this.pods.start();
  }

  /** Stops both watches; listeners still subscribed (a hub shutdown) hear that the watch is down. */
  stop(): void {
    this.jobs.stop();
    this.pods.stop();
    if (this.healthy) {
      this.healthy = false;
      for (const group of [...this.runs.values()]) this.notify(group, (listener) => listener.onWatchHealth?.(false));
    }
    this.runs.clear();
    this.podNamesByJob.clear();
  }

  addListener(jobName: string, listener: RunWatchListener): void {
    let group = this.runs.get(jobName);
    if (!group) {
      group = { listeners: new Set(), jobSeen: this.jobs.get(jobName) !== undefined };
      this.runs.set(jobName, group);
    }
    group.listeners.add(listener);
  }

  /** Returns how many listeners remain in the namespace. */
  removeListener(jobName: string, listener: RunWatchListener): number {
    const group = this.runs.get(jobName);
    if (group?.listeners.delete(listener) && group.listeners.size === 0) this.runs.delete(jobName);
    return this.subscriberCount();
  }

  subscriberCount(): number {
    let count = 0;
    for (const group of this.runs.values()) count += group.listeners.size;
    return count;
  }

  isHealthy(): boolean {
    return this.healthy;
  }

  snapshot(jobName: string): RunSnapshot {
    const job = this.jobs.get(jobName) ?? null;
    return { job, pod: this.currentPod(jobName), jobSeen: job !== null || this.runs.get(jobName)?.jobSeen === true };
  }

  private currentPod(jobName: string): Pod | null {
    const names = this.podNamesByJob.get(jobName);
    if (!names) return null;
    const pods: Pod[] = [];
    for (const name of names) {
      const pod = this.pods.get(name);
      if (pod) pods.push(pod);
    }
    return pickCurrentPod(pods);
  }

  private onJobChange(type: WatchEventType, job: Job): void {
    const name = storedName(job);
    const group = this.runs.get(name);
    if (!group) return;
    if (type !== "DELETED") group.jobSeen = true;
    const current = type === "DELETED" ? null : job;
    this.notify(group, (listener) => listener.onJob?.(current));
  }

  private onPodChange(type: WatchEventType, pod: Pod): void {
    const jobName = jobNameOfPod(pod);
    const podName = pod.metadata.name;
    if (jobName === undefined || podName === undefined) return;
    let names = this.podNamesByJob.get(jobName);
    if (type === "DELETED") {
      names?.delete(podName);
      if (names?.size === 0) this.podNamesByJob.delete(jobName);
    } else {
      if (!names) this.podNamesByJob.set(jobName, (names = new Set()));
      names.add(podName);
    }
    const group = this.runs.get(jobName);
    if (!group) return;
    const current = this.currentPod(jobName);
    this.notify(group, (listener) => listener.onPod?.(current));
  }

  private updateHealth(): void {
    const healthy = this.jobs.isHealthy() && this.pods.isHealthy();
    if (healthy === this.healthy) return;
    this.healthy = healthy;
    for (const group of [...this.runs.values()]) this.notify(group, (listener) => listener.onWatchHealth?.(healthy));
  }

  /** A listener that throws must not break the watch for every other run. */
  private notify(group: RunGroup, call: (listener: RunWatchListener) => void): void {
    for (const listener of [...group.listeners]) {
      if (!group.listeners.has(listener)) continue;
      try {
        call(listener);
      } catch (error) {
        this.log(
          `a run listener in namespace "${this.namespace}" threw: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}
