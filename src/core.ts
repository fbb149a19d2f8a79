/**
 * The embedding surface for orchestrators other than Paperclip: the composition root, the
 * ports, and the domain services with their request and result types. Nothing here depends on
 * Paperclip's types.
 */
export { createContainer, type ContainerOptions, type PortBindings } from "./container.js";
export * from "./ports/index.js";
export * from "./domain/errors.js";
export { CONFIG_FIELDS, type AdapterConfig, type ConfigFieldKey } from "./domain/config/config-fields.js";
export { parseAdapterConfig, defaultAdapterConfig } from "./domain/config/parse-config.js";
export { runFilePaths, defaultRunLogRoot, type RunFilePaths, type RunIdentity } from "./domain/run-log-paths.js";
export { ServerPodReader } from "./domain/server-pod-reader.js";
