/**
 * The local runtime's pod runner as the loopback apiserver's kubelet, remembering every process
 * group any pod started, so a test can prove no process outlived its run.
 */
import {
  LocalPodRunner,
  type LocalPodRunnerOptions,
  type RunningPod,
} from "../../../src/adapters/local-runtime/index.js";
import type { Kubelet } from "../loopback-kube-api/index.js";
import { groupsWithLiveMembers } from "./live-processes.js";

export class RecordingPodRunnerKubelet implements Kubelet {
  private readonly runner: LocalPodRunner;
  private readonly pods: RunningPod[] = [];

  constructor(options: LocalPodRunnerOptions) {
    // Pods die with the test process that runs this kubelet: a killed worker leaves none behind.
    this.runner = new LocalPodRunner({ dieWithParent: true, ...options });
  }

  start(...[pod, secrets, report]: Parameters<Kubelet["start"]>): ReturnType<Kubelet["start"]> {
    const started = this.runner.start(pod, secrets, report);
    this.pods.push(started.running);
    return { kill: () => started.kill() };
  }

  /** How many pods this kubelet has started. */
  get startedCount(): number {
    return this.pods.length;
  }

  /** Process groups of any pod that still have a live (not zombie) member. */
  liveProcessGroups(): number[] {
    const records = this.pods.flatMap((pod) => Object.values(pod.processRecords()));
    return groupsWithLiveMembers(records.map((record) => record.group.pid));
  }
}
