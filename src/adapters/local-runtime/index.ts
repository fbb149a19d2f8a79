/** The embedded local runtime: `KubernetesPort` on one machine, and its pod runner ("kubelet"). */
export { LocalKubernetesRuntime, type LocalKubernetesRuntimeOptions } from "./local-kubernetes-runtime.js";
export {
  DEFAULT_DATA_CLAIM_NAME,
  LocalPodRunner,
  RunningPod,
  type LocalPodRunnerOptions,
  type PodStatus,
  type PodStatusListener,
} from "./local-pod-runner.js";
export { MountTable, mountProblems, type MountMapping, type DataVolumeRule } from "./mount-table.js";
export type { SecretLookup } from "./secret-data.js";
export { isGroupAlive } from "./process-group.js";
