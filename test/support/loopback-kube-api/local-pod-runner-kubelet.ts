/**
 * The embedded local runtime's pod runner as the loopback apiserver's kubelet: pods created by
 * the job controller really run as local processes (POSIX sh, files on a real data directory).
 */
import { LocalPodRunner, type LocalPodRunnerOptions } from "../../../src/adapters/local-runtime/index.js";
import type { Kubelet } from "./kubelet.js";

export function localPodRunnerKubelet(options: LocalPodRunnerOptions): Kubelet {
  // Pods die with the test process that runs this kubelet: a killed worker leaves none behind.
  const runner = new LocalPodRunner({ dieWithParent: true, ...options });
  return {
    start(pod, secrets, report) {
      const started = runner.start(pod, secrets, report);
      // kill = SIGTERM, the grace period, SIGKILL, then the pod's sandbox is removed.
      return { kill: () => started.kill() };
    },
  };
}
