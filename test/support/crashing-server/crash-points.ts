/**
 * The named points where a crashing server SIGKILLs itself, as wrappers of its ports and observer:
 *   before-create     the Job create is about to be sent (the run's directory and prompt exist)
 *   create-to-secret  the Job exists (suspended), its Secret not yet
 *   secret-to-resume  Job and Secret exist, the Job is still suspended
 *   pod-start         the run's pod is reported Running
 *   mid-stream        the third stdout line was delivered
 *   after-trailer     the trailer was read (the run knows its end, nothing is reported yet)
 *   during-cleanup    cleanup begins: the Job delete is about to be sent, the files are still there
 */
import type { RunObserver } from "../../../src/domain/run/agent-run-request.js";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import type { KubernetesPort } from "../../../src/ports/kubernetes-port.js";
import type { CrashPoint } from "./server-protocol.js";

/** A real SIGKILL of this process: no handler, no exit cleanup, nothing after it runs. */
export function dieNow(): never {
  process.kill(process.pid, "SIGKILL");
  // SIGKILL to oneself is delivered before kill() returns; this only satisfies the type.
  throw new Error("unreachable");
}

export function crashingKubernetes(k: KubernetesPort, at: CrashPoint | undefined): KubernetesPort {
  const runStarted = (pod: Pod) => pod.status?.phase === "Running" && pod.metadata.labels?.["job-name"] !== undefined;
  return {
    currentNamespace: () => k.currentNamespace(),
    readOwnPod: () => k.readOwnPod(),
    createJob: async (namespace, job) => {
      if (at === "before-create") dieNow();
      const created = await k.createJob(namespace, job);
      if (at === "create-to-secret") dieNow();
      return created;
    },
    readJob: (namespace, name) => k.readJob(namespace, name),
    listJobs: (namespace, selector) => k.listJobs(namespace, selector),
    resumeJob: async (namespace, name) => {
      if (at === "secret-to-resume") dieNow();
      return k.resumeJob(namespace, name);
    },
    deleteJob: async (namespace, name, propagation) => {
      if (at === "during-cleanup") dieNow();
      return k.deleteJob(namespace, name, propagation);
    },
    createOwnedSecret: (namespace, secret, owner) => k.createOwnedSecret(namespace, secret, owner),
    listPods: (namespace, selector) => k.listPods(namespace, selector),
    readVolumeClaimAccessModes: (namespace, claim) => k.readVolumeClaimAccessModes(namespace, claim),
    reviewAccess: (checks) => k.reviewAccess(checks),
    watchJobs: (namespace, selector, observer) => k.watchJobs(namespace, selector, observer),
    watchPods: (namespace, selector, observer) =>
      k.watchPods(namespace, selector, {
        onEvent: (type, pod) => {
          if (at === "pod-start" && runStarted(pod)) dieNow();
          observer.onEvent(type, pod);
        },
        ...(observer.onError ? { onError: (error) => observer.onError?.(error) } : {}),
      }),
  };
}

export function crashingObserver(observer: RunObserver, at: CrashPoint | undefined): RunObserver {
  let stdoutLines = 0;
  return {
    onLog: async (stream, chunk) => {
      await observer.onLog(stream, chunk);
      if (stream === "stdout") stdoutLines += 1;
      if (at === "mid-stream" && stdoutLines === 3) dieNow();
    },
    onStatus: async (line, phase) => {
      await observer.onStatus(line, phase);
      if (at === "after-trailer" && phase === "trailer-received") dieNow();
    },
  };
}
