/**
 * A kubelet that plays a canned life per pod: run for N ms then exit with a code, fail to pull
 * the image, stay unschedulable, fail an init container, never start, or wait for the test.
 */
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { podStatus, type Kubelet, type PodHandle, type PodStatus } from "./kubelet.js";

export type PodScript =
  /** ContainerCreating, then Running after `startDelayMs`, then exits `exitCode` after `runMs`. */
  | { readonly kind: "run"; readonly runMs: number; readonly exitCode: number; readonly startDelayMs?: number }
  /** Stays Pending with the container waiting on ErrImagePull (or ImagePullBackOff). */
  | {
      readonly kind: "imagePullFailure";
      readonly reason?: "ErrImagePull" | "ImagePullBackOff";
      readonly message?: string;
    }
  /** Stays Pending with PodScheduled=False reason Unschedulable. */
  | { readonly kind: "unschedulable"; readonly message?: string }
  /** The first init container exits non-zero; with restartPolicy Never the pod fails. */
  | { readonly kind: "initContainerFailure"; readonly exitCode?: number; readonly message?: string }
  /** Stays Pending with no status detail at all. */
  | { readonly kind: "neverStarts" }
  /** Reports nothing by itself; the test drives it with `report(podName, status)`. */
  | { readonly kind: "manual" };

interface Running {
  readonly pod: Pod;
  readonly report: (status: PodStatus) => void;
  readonly timers: Array<ReturnType<typeof setTimeout>>;
  killed: boolean;
}

export class ScriptedKubelet implements Kubelet {
  private readonly scripts = new Map<string, PodScript>();
  private readonly running = new Map<string, Running>();
  /** Names of every pod started, in order. */
  readonly started: string[] = [];

  constructor(private defaultScript: PodScript = { kind: "run", runMs: 50, exitCode: 0 }) {}

  /** The script for pods of Job `jobName` (by the `job-name` label); else the default. */
  scriptFor(jobName: string, script: PodScript): this {
    this.scripts.set(jobName, script);
    return this;
  }

  setDefault(script: PodScript): this {
    this.defaultScript = script;
    return this;
  }

  /** Drives a pod by hand (any script); ignored once the pod was killed. */
  report(podName: string, status: PodStatus): void {
    const entry = this.running.get(podName);
    if (entry && !entry.killed) entry.report(status);
  }

  get runningCount(): number {
    return this.running.size;
  }

  start(pod: Pod, _secrets: unknown, report: (status: PodStatus) => void): PodHandle {
    const name = pod.metadata.name ?? "";
    const script = this.scripts.get(pod.metadata.labels?.["job-name"] ?? "") ?? this.defaultScript;
    const entry: Running = { pod, report, timers: [], killed: false };
    this.running.set(name, entry);
    this.started.push(name);
    const later = (ms: number, step: () => void) => {
      entry.timers.push(
        setTimeout(() => {
          if (!entry.killed) step();
        }, ms),
      );
    };
    const finish = (status: PodStatus) => {
      if (status.phase === "Succeeded" || status.phase === "Failed") this.running.delete(name);
      report(status);
    };
    // Every step is asynchronous, like a real kubelet: the pod is created Pending first.
    later(0, () => this.play(script, entry, later, finish));
    return {
      kill: async () => {
        entry.killed = true;
        for (const timer of entry.timers) clearTimeout(timer);
        this.running.delete(name);
      },
    };
  }

  private play(
    script: PodScript,
    { pod }: Running,
    later: (ms: number, step: () => void) => void,
    finish: (status: PodStatus) => void,
  ): void {
    switch (script.kind) {
      case "run": {
        finish(podStatus.scheduledWaiting(pod, "ContainerCreating"));
        later(script.startDelayMs ?? 0, () => {
          const startedAt = podStatus.now();
          finish(podStatus.running(pod, startedAt));
          later(script.runMs, () => finish(podStatus.terminated(pod, script.exitCode, startedAt)));
        });
        return;
      }
      case "imagePullFailure": {
        const reason = script.reason ?? "ErrImagePull";
        const image = pod.spec.containers[0]?.image ?? "";
        const message = script.message ?? `failed to pull and unpack image "${image}": ${image}: not found`;
        finish(podStatus.scheduledWaiting(pod, reason, message));
        return;
      }
      case "unschedulable": {
        finish({
          phase: "Pending",
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message:
                script.message ?? "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
            },
          ],
        });
        return;
      }
      case "initContainerFailure": {
        const init = pod.spec.initContainers?.[0]?.name ?? "init";
        const at = podStatus.now();
        finish({
          phase: "Failed",
          conditions: [
            { type: "PodScheduled", status: "True" },
            { type: "Initialized", status: "False", reason: "ContainersNotInitialized" },
          ],
          initContainerStatuses: [
            {
              name: init,
              ready: false,
              restartCount: 0,
              state: {
                terminated: {
                  exitCode: script.exitCode ?? 1,
                  reason: "Error",
                  startedAt: at,
                  finishedAt: at,
                  ...(script.message ? { message: script.message } : {}),
                },
              },
            },
          ],
          containerStatuses: pod.spec.containers.map((c) => ({
            name: c.name,
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "PodInitializing" } },
          })),
        });
        return;
      }
      case "neverStarts":
      case "manual":
        return;
    }
  }
}
