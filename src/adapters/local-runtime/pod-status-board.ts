/**
 * One pod's status as its kubelet reports it: the phase and each container's state, published
 * (a copy) to the listener after every change. Kept apart from the processes so the rules of what
 * a status says — waiting reasons, running, terminated with exit code and reason — read in one place.
 */
import type { Container, ContainerStatus, Pod } from "../../ports/kubernetes-objects.js";
import type { ProcessExit } from "./process-group.js";

export type PodStatus = NonNullable<Pod["status"]>;
export type PodStatusListener = (status: PodStatus) => void;
export type ContainerKind = "init" | "main";

export interface PodEnding {
  readonly phase: "Succeeded" | "Failed";
  readonly reason?: string;
  readonly message?: string;
}

export const waitingContainer = (name: string, reason: string, message?: string): ContainerStatus => ({
  name,
  ready: false,
  restartCount: 0,
  image: "local",
  state: { waiting: { reason, ...(message ? { message } : {}) } },
});

/** A pod no container of which has started: scheduled, each container waiting to be created. */
export function pendingPodStatus(pod: Pod): PodStatus {
  const hasInit = (pod.spec.initContainers?.length ?? 0) > 0;
  return {
    phase: "Pending",
    conditions: [{ type: "PodScheduled", status: "True" }],
    ...(hasInit
      ? {
          initContainerStatuses: (pod.spec.initContainers ?? []).map((c) =>
            waitingContainer(c.name, "PodInitializing"),
          ),
        }
      : {}),
    containerStatuses: pod.spec.containers.map((c) =>
      waitingContainer(c.name, hasInit ? "PodInitializing" : "ContainerCreating"),
    ),
  };
}

export class PodStatusBoard {
  constructor(
    private readonly status: PodStatus,
    private readonly onStatus: PodStatusListener,
  ) {}

  get phase(): PodStatus["phase"] {
    return this.status.phase;
  }

  /** When the main container at `index` started, as recorded (a pod taken over keeps its times). */
  mainStartedAt(index: number): string | undefined {
    return this.status.containerStatuses?.[index]?.state?.running?.startedAt;
  }

  snapshot(): PodStatus {
    return structuredClone(this.status);
  }

  /** Publishes the status as it is (the pod's first report). */
  publish(): void {
    try {
      this.onStatus(structuredClone(this.status));
    } catch {
      // A listener's failure must not stop the kubelet from tracking the pod's processes.
    }
  }

  /** Every container not started yet waits for `reason`. */
  setWaiting(reason: string, message: string): void {
    const unstarted = (statuses: ContainerStatus[] | undefined) =>
      statuses?.map((s) => (s.state?.waiting ? waitingContainer(s.name, reason, message) : s));
    const init = unstarted(this.status.initContainerStatuses);
    if (init) this.status.initContainerStatuses = init;
    this.status.containerStatuses = unstarted(this.status.containerStatuses) ?? [];
    this.publish();
  }

  setContainer(kind: ContainerKind, index: number, containerStatus: ContainerStatus): void {
    const list = kind === "init" ? this.status.initContainerStatuses : this.status.containerStatuses;
    if (list) list[index] = containerStatus;
    this.publish();
  }

  /** The container runs; a main container running makes the pod Running. */
  running(kind: ContainerKind, index: number, name: string, startedAt: string): void {
    if (kind === "main") this.status.phase = "Running";
    this.setContainer(kind, index, {
      name,
      ready: kind === "main",
      restartCount: 0,
      image: "local",
      state: { running: { startedAt } },
    });
  }

  /** The container ended: "Completed", "Error" or "StartError" unless the reason is known. */
  terminated(
    kind: ContainerKind,
    index: number,
    container: Container,
    exit: ProcessExit,
    startedAt: string,
    knownReason?: string,
    knownMessage?: string,
  ): void {
    const reason =
      knownReason ?? (exit.startError !== undefined ? "StartError" : exit.exitCode === 0 ? "Completed" : "Error");
    const message = knownMessage ?? exit.startError;
    this.setContainer(kind, index, {
      name: container.name,
      ready: false,
      restartCount: 0,
      image: "local",
      state: {
        terminated: {
          exitCode: exit.exitCode,
          ...(exit.signal !== undefined ? { signal: exit.signal } : {}),
          reason,
          ...(message !== undefined ? { message } : {}),
          startedAt,
          finishedAt: new Date().toISOString(),
        },
      },
    });
  }

  /** The terminal phase; no container is ready any more. Returns the final status. */
  finish({ phase, reason, message }: PodEnding): PodStatus {
    this.status.phase = phase;
    if (reason) this.status.reason = reason;
    if (message) this.status.message = message;
    for (const list of [this.status.initContainerStatuses, this.status.containerStatuses]) {
      for (const s of list ?? []) s.ready = false;
    }
    this.publish();
    return structuredClone(this.status);
  }
}
