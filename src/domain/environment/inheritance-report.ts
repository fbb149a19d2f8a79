/**
 * testEnvironment's account of what a run pod will inherit from the Paperclip server pod (names
 * only, never values) and what it is denied, so the operator sees the allowlist at work.
 */
import type { AdapterConfig } from "../config/config-fields.js";
import { DEFAULT_INHERITED_ENV, isNeverInherited, NEVER_INHERITED_ENV } from "../job/env-allowlist.js";
import type { ServerPodInheritance } from "../job/server-pod-inheritance.js";
import type { EnvironmentCheck } from "./environment-probe.js";

const list = (names: readonly string[]) => (names.length > 0 ? names.join(", ") : "none");

export function inheritanceChecks(inherited: ServerPodInheritance, config: AdapterConfig): EnvironmentCheck[] {
  const env = [...inherited.literalEnv.map((e) => e.name), ...inherited.referenceEnv.map((e) => e.name)];
  const checks: EnvironmentCheck[] = [
    {
      code: "run_pod_inheritance",
      level: "info",
      message:
        `Run pods inherit from the server: env ${list(env)}; envFrom ${list(inherited.envFrom.map((s) => s.secretRef?.name ?? s.configMapRef?.name ?? "?"))}; ` +
        `secret volumes ${list(inherited.secretVolumes.map((v) => v.volume.name))}. ` +
        `Held back: env ${list(inherited.withheld.env)}; envFrom ${list(inherited.withheld.envFrom)}; secret volumes ${list(inherited.withheld.secretVolumes)}.`,
      hint: `Default env allowlist: ${DEFAULT_INHERITED_ENV.join(", ")}; add names with inheritEnv, inheritEnvFrom, inheritSecretVolumes.`,
    },
  ];
  const refused = config.inheritEnv.filter(isNeverInherited);
  if (refused.length > 0) {
    checks.push({
      code: "run_pod_inheritance_refused",
      level: "warn",
      message: `inheritEnv lists ${refused.join(", ")}, which never reach a run pod (${NEVER_INHERITED_ENV.join(", ")} are the server's own)`,
      hint: "Remove them from inheritEnv; give a run what it needs through config env or a Secret made for runs.",
    });
  }
  return checks;
}
