/**
 * The ServerAdapterModule Paperclip loads: `createServerAdapter()` wires execute, testEnvironment,
 * sessions, models, the config schema and doc, all generated from the one config table.
 */
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerAdapterModule } from "@paperclipai/adapter-utils";
import type { LogPort } from "../ports/log-port.js";
import { claudeSessionCodec } from "../domain/session/session-codec.js";
import { ADAPTER_TYPE } from "./adapter-type.js";
import { agentConfigurationDoc } from "./agent-configuration-doc.js";
import { buildConfigSchema } from "./config-schema.js";
import { createExecute } from "./execute.js";
import { listModels, models } from "./models.js";
import { ContainerRunServices, type RunServicesProvider } from "./run-services.js";
import { readServerSettings } from "./server-settings.js";
import { createTestEnvironment } from "./test-environment.js";

export interface ServerAdapterOptions {
  /** Replace how runs are wired (tests, embedders); default: the composition root per runtime setting. */
  readonly services?: RunServicesProvider;
  readonly hostEnv?: NodeJS.ProcessEnv;
  /** The host's logger for the server's own lines (cluster watch trouble, reconciler); default stderr. */
  readonly log?: LogPort;
}

/**
 * What local-runtime pods take from the server's own environment, as cluster pods inherit them from
 * the server pod's spec: where the API is, and the credentials (those through a Secret reference).
 */
const LOCAL_SERVER_CLAUDE_SETTINGS = ["ANTHROPIC_BASE_URL"] as const;
const LOCAL_SERVER_CLAUDE_CREDENTIALS = [
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "CLAUDE_CODE_OAUTH_TOKEN",
] as const;

function pickDefined(env: NodeJS.ProcessEnv, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value) picked[name] = value;
  }
  return picked;
}

/**
 * Paperclip's module, plus `dispose()` for a host or test that is done with it: Paperclip's contract
 * has no shutdown hook, so Paperclip itself never calls it (the wired runtimes are bounded instead).
 */
export type ClaudeK8sServerAdapter = ServerAdapterModule & { dispose(): Promise<void> };

export function createServerAdapter(options: ServerAdapterOptions = {}): ClaudeK8sServerAdapter {
  const hostEnv = options.hostEnv ?? process.env;
  const settings = readServerSettings(hostEnv);
  const services =
    options.services ??
    new ContainerRunServices({
      moduleDir: dirname(fileURLToPath(import.meta.url)),
      localPathPrepend: settings.localPathPrepend,
      localServerEnv: pickDefined(hostEnv, LOCAL_SERVER_CLAUDE_SETTINGS),
      localServerSecretEnv: pickDefined(hostEnv, LOCAL_SERVER_CLAUDE_CREDENTIALS),
      localUnsandboxed: hostEnv.CLAUDE_K8S_LOCAL_UNSANDBOXED === "1",
      paperclipInstanceRoot: settings.paperclipInstanceRoot,
      inCluster: settings.inCluster,
      ...(options.log ? { log: options.log } : {}),
      ...(settings.kubeconfigPath ? { kubeconfigPath: settings.kubeconfigPath } : {}),
    });
  return {
    type: ADAPTER_TYPE,
    execute: createExecute(services, hostEnv),
    testEnvironment: createTestEnvironment(services, hostEnv),
    sessionCodec: {
      serialize: (params) => claudeSessionCodec.serialize(params),
      deserialize: (raw) => claudeSessionCodec.deserialize(raw) as Record<string, unknown> | null,
      getDisplayId: (params) => claudeSessionCodec.getDisplayId(params),
    },
    sessionManagement: {
      supportsSessionResume: true,
      nativeContextManagement: "confirmed",
      defaultSessionCompaction: { enabled: true, maxSessionRuns: 0, maxRawInputTokens: 0, maxSessionAgeHours: 0 },
    },
    models,
    listModels,
    agentConfigurationDoc,
    getConfigSchema: () => buildConfigSchema(),
    supportsLocalAgentJwt: true,
    supportsInstructionsBundle: true,
    instructionsPathKey: "instructionsFilePath",
    requiresMaterializedRuntimeSkills: false,
    dispose: async () => {
      await services.dispose?.();
    },
  };
}
