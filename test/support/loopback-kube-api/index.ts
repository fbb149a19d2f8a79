export { LoopbackKubeApi, type LoopbackKubeApiOptions } from "./server.js";
export { loopbackKubeConfig } from "./kube-config.js";
export { podStatus, type Kubelet, type PodHandle, type PodStatus } from "./kubelet.js";
export { ScriptedKubelet, type PodScript } from "./scripted-kubelet.js";
export type { DelaySpec, FaultSpec, Verb } from "./faults.js";
export type { KubeStatus } from "./status.js";
export { localPodRunnerKubelet } from "./local-pod-runner-kubelet.js";
export { suspendedJob } from "./suspended-job.js";
