/**
 * The local "kubelet": runs ONE pod's containers as local processes and reports its status the
 * way a kubelet does. It depends only on the Pod, a Secret lookup and a status callback — no
 * store, no Job — so the loopback Kubernetes API test server can use it as its kubelet too.
 *
 * Faithful to a cluster: init containers run in order, each to completion, then the main
 * containers (in parallel); `$(VAR)` expansion of env/command/args; secretKeyRef/envFrom/fieldRef;
 * a missing Secret keeps the pod Pending (CreateContainerConfigError / ContainerCreating) and is
 * retried; restartPolicy Never; phase Succeeded only when every main container exits 0; when a
 * container's main process ends, whatever it left running in its process group is killed (a
 * container's PID namespace dies with its PID 1); deletion sends SIGTERM to each container's main
 * process, then SIGKILL to all their processes after the grace period. `terminated.exitCode` is
 * the exit code, or 128 + n with `signal: n` when the process was killed by signal n; reason
 * "Completed" or "Error" (never "OOMKilled": no memory limits are enforced).
 *
 * Each container runs in a bubblewrap sandbox (sandbox-command.ts) that shows it only the system
 * directories, the programs' install directories and exactly its volume mounts, at their mount
 * paths, read-only where the mount says so. When the server is root, the containers run as the
 * spec's runAsUser/runAsGroup with fsGroup applied to their volumes (fs-group-ownership.ts);
 * as another user they keep that user's uid. Where no sandbox can be made the containers wait
 * with CreateContainerError saying how to get one, unless the runtime was told `unsandboxed`
 * (then they are plain processes that see the whole machine, and mount paths are rewritten
 * as mount-table.ts describes).
 *
 * Deliberately NOT faithful (it runs on the host): the image is ignored (the host's /usr is the
 * image); resource limits are not enforced; the network is the host's.
 *
 * One pod's life is running-pod.ts; its status rules pod-status-board.ts.
 */
import type { Pod } from "../../ports/kubernetes-objects.js";
import type { MountMapping } from "./mount-table.js";
import { dataVolumeRule, mountMappingsOf, type LocalPodRunnerOptions } from "./pod-runner-options.js";
import { PodSandbox } from "./pod-sandbox.js";
import type { PodStatusListener } from "./pod-status-board.js";
import type { PodRecord } from "./runtime-state-directory.js";
import { RunningPod } from "./running-pod.js";
import type { SecretLookup } from "./secret-data.js";

export { DEFAULT_DATA_CLAIM_NAME, type LocalPodRunnerOptions } from "./pod-runner-options.js";
export type { PodStatus, PodStatusListener } from "./pod-status-board.js";
export { RunningPod } from "./running-pod.js";

export class LocalPodRunner {
  constructor(private readonly options: LocalPodRunnerOptions) {}

  /** Starts the pod now; its status is reported through `onStatus` until `done` resolves. */
  run(pod: Pod, secretLookup: SecretLookup, onStatus: PodStatusListener): RunningPod {
    return new RunningPod(structuredClone(pod), secretLookup, onStatus, this.options);
  }

  /**
   * Takes over a pod a server that died had started: containers still running are followed to
   * their end; a pod whose main containers had not started yet starts over; an ended pod stays.
   */
  adopt(record: PodRecord, secretLookup: SecretLookup, onStatus: PodStatusListener): RunningPod {
    return new RunningPod(structuredClone(record.pod), secretLookup, onStatus, this.options, record);
  }

  /**
   * The loopback API server's kubelet contract: start the pod; `kill()` terminates it (SIGTERM,
   * grace, SIGKILL) and removes its sandbox.
   */
  start(
    pod: Pod,
    secretLookup: SecretLookup,
    report: PodStatusListener,
  ): { kill(): Promise<void>; readonly running: RunningPod } {
    const running = this.run(pod, secretLookup, report);
    return { running, kill: () => running.dispose() };
  }

  /** Where each container's mounts are on this machine, per container name. */
  mountMappings(pod: Pod): Record<string, readonly MountMapping[]> {
    const volumesDirectory = `${PodSandbox.pathFor(this.options.sandboxRoot, pod)}/volumes`;
    return mountMappingsOf(pod, dataVolumeRule(this.options), volumesDirectory);
  }
}
