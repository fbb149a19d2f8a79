/**
 * Refusals that need no I/O: ids that are unsafe in a path,
 * env names only the adapter sets, a relative working directory, and NUL bytes, which cannot travel
 * in an argv element or env value without silently cutting it short.
 */
import { runFailure, type RunFailure } from "../errors.js";
import { isSessionUuid, parseRunIds } from "../safe-id.js";
import { AGENT_API_URL_ENV } from "./agent-api-env.js";
import type { JobRunSpec } from "./job-manifest-factory.js";
import { refuseWorkingDirectory } from "./working-directory-rule.js";

/**
 * Env names the adapter sets itself that an operator might set by mistake; config.env is told what
 * to do instead. PAPERCLIP_API_KEY is not here: the edge refuses it, and any layer's value is simply
 * replaced by the Secret reference.
 */
const ADAPTER_SET_ENV: Readonly<Record<string, string>> = {
  HOME: "is always the agent's own home on the data volume (<dataMountPath>/claude-k8s/companies/<companyId>/agents/<agentId>/home)",
  [AGENT_API_URL_ENV]: "is set by the adapter for the run pod; set paperclipApiUrl instead",
};

export function refuseUnsafeInput(spec: JobRunSpec): RunFailure | null {
  const ids = parseRunIds(spec);
  if (!ids.ok) return ids.failure;
  const owned = Object.keys(spec.config.env).find((name) => name in ADAPTER_SET_ENV);
  if (owned) {
    return runFailure("invalid_config", { field: "env", reason: `${owned} ${ADAPTER_SET_ENV[owned]}` });
  }
  const cwdRefused = refuseWorkingDirectory({
    dataMountPath: spec.config.dataMountPath,
    runLogRoot: spec.paths.root,
    tenantId: spec.tenantId,
    agentId: spec.agentId,
    workingDirectory: spec.workingDirectory,
  });
  if (cwdRefused) return cwdRefused;
  if (
    !spec.claude.resumeSessionId &&
    spec.claude.freshSessionId !== null &&
    !isSessionUuid(spec.claude.freshSessionId)
  ) {
    return runFailure("invalid_run_input", {
      field: "fresh session id",
      reason: "it is not a UUID (claude's --session-id accepts only a UUID); generate one with crypto.randomUUID()",
    });
  }
  const texts: Array<[string, string]> = [
    ["working directory", spec.workingDirectory],
    ["claude resume session id", spec.claude.resumeSessionId ?? ""],
    ["instructions file", spec.claude.appendSystemPromptFile ?? ""],
    ...spec.claude.addDirs.map((dir): [string, string] => ["claude add-dir", dir]),
    ...spec.config.extraArgs.map((arg): [string, string] => ["extraArgs", arg]),
    ...Object.values(spec.paths).map((path): [string, string] => ["run file path", path]),
    ...[spec.env, spec.config.env].flatMap((layer) =>
      Object.entries(layer).map(([name, value]): [string, string] => [`env ${name}`, name + value]),
    ),
  ];
  const withNul = texts.find(([, text]) => text.includes("\u0000"));
  if (withNul) {
    return runFailure("invalid_run_input", { field: withNul[0], reason: "it contains a NUL byte" });
  }
  return null;
}
