/**
 * The embedding surface for orchestrators other than Paperclip: the runner facade, the ports, and
 * the domain services with their request and result types. Nothing here depends on Paperclip, and
 * the DI container stays inside the runner.
 */
export {
  createClaudeK8sRunner,
  type ClaudeK8sRunner,
  type ClaudeK8sRunnerOptions,
  type ClaudeRunRequest,
} from "./claude-k8s-runner.js";
export type { ContainerOptions, PortBindings, RuntimeSelection } from "./container.js";
export * from "./ports/index.js";
export * from "./domain/errors.js";
export { CONFIG_FIELDS, type AdapterConfig, type ConfigFieldKey } from "./domain/config/config-fields.js";
export { parseAdapterConfig, defaultAdapterConfig } from "./domain/config/parse-config.js";
export { runFilePaths, defaultRunLogRoot, type RunFilePaths, type RunIdentity } from "./domain/run-log-paths.js";
export { ServerPodReader } from "./domain/server-pod-reader.js";
export { RunOrchestrator } from "./domain/run/run-orchestrator.js";
export type { BillingEnvironment } from "./domain/outcome/billing.js";
export type { AgentRunRequest, RunObserver, RunReport, RunLaunch, RunPhase } from "./domain/run/agent-run-request.js";
export type { RunOutcome } from "./domain/outcome/classify-outcome.js";
export { LogTailer, type TailSummary, type TailTarget, type LineSink } from "./domain/tailer/log-tailer.js";
export { JobManifestFactory, type JobRunSpec, type RunManifests } from "./domain/job/job-manifest-factory.js";
export {
  EnvironmentProbe,
  type EnvironmentReport,
  type EnvironmentCheck,
} from "./domain/environment/environment-probe.js";
export { claudeSessionCodec, decideResume } from "./domain/session/session-codec.js";
export { claudeStandInBinDirectory } from "./stand-in/stand-in-location.js";
