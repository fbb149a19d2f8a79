/**
 * The run container's env, in layers where later wins: the server pod's allowlisted literal env (as
 * written in its spec), Paperclip's run env, the run's context vars, then the operator's
 * `config.env`. On top of every layer the adapter sets `HOME` (the agent's own home), the
 * pod-reachable `PAPERCLIP_API_URL` and `PAPERCLIP_API_KEY` — the last only ever as a
 * `secretKeyRef` to the per-run Secret, so no layer can put the run token into the Job as a
 * literal. The server pod's allowlisted `valueFrom` entries follow unless a literal of the same
 * name exists. When the operator passes an `envFrom` source on, the server's own secrets are
 * blanked over it (`env` wins over `envFrom` in Kubernetes) unless a layer sets them.
 */
import type { EnvVar } from "../../ports/kubernetes-objects.js";
import { AGENT_API_KEY_ENV, AGENT_API_URL_ENV } from "./agent-api-env.js";
import { isNeverInherited } from "./env-allowlist.js";
import { escapeKubernetesExpansion } from "./kubernetes-expansion.js";

export const RUN_TOKEN_SECRET_KEY = AGENT_API_KEY_ENV;

/**
 * Defaults under every layer (any layer may override). Claude retries a failed API call 10 times
 * by default, minutes of pod time per failed run (a 429's retry-after is waited each time); two
 * retries ride out a blip, and Paperclip retries the run itself after a transient failure. No
 * self-update in a pod that lives for one run, and no traffic beyond the model API (without it
 * claude resolves api.anthropic.com even when pointed at another base URL).
 */
export const CLAUDE_ENV_DEFAULTS: Readonly<Record<string, string>> = {
  CLAUDE_CODE_MAX_RETRIES: "2",
  DISABLE_AUTOUPDATER: "1",
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
};

/** Names only the adapter sets; dropped from every layer. */
const ADAPTER_OWNED = new Set([AGENT_API_KEY_ENV, AGENT_API_URL_ENV, "HOME"]);

/** The server's secrets a listed envFrom source could carry; set empty over it. */
const BLANKED_OVER_ENV_FROM = ["BETTER_AUTH_SECRET", "DATABASE_URL"];

/** A server variable may reach the pod only if it is neither the adapter's own nor a server secret. */
export function isInheritableServerEnv(name: string): boolean {
  return !ADAPTER_OWNED.has(name) && !isNeverInherited(name);
}

export interface EnvLayers {
  readonly serverLiteral: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly serverReferences: readonly EnvVar[];
  /** The caller's env for claude (AgentRunRequest.env). */
  readonly caller: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  readonly home: string;
  /** Null: the caller's agent never calls back, and the pod gets no URL. */
  readonly apiUrl: string | null;
  /** Where the run token lives; null when the run has no token. */
  readonly tokenSecret: { readonly name: string; readonly key: string } | null;
  /** True when the container also gets envFrom sources from the server. */
  readonly hasServerEnvFrom?: boolean;
}

export function buildContainerEnv(layers: EnvLayers): EnvVar[] {
  // Values are stored as they must appear in the spec: the server's own values as written there
  // (they were authored for Kubernetes' $(VAR) expansion), ours escaped so they arrive literally.
  const literal = new Map<string, string>(Object.entries(CLAUDE_ENV_DEFAULTS));
  for (const { name, value } of layers.serverLiteral) {
    if (isInheritableServerEnv(name)) literal.set(name, value);
  }
  for (const layer of [layers.caller, layers.config]) {
    for (const [name, value] of Object.entries(layer)) {
      if (!ADAPTER_OWNED.has(name)) literal.set(name, escapeKubernetesExpansion(value));
    }
  }
  if (layers.hasServerEnvFrom) {
    for (const name of BLANKED_OVER_ENV_FROM) if (!literal.has(name)) literal.set(name, "");
  }
  literal.set("HOME", escapeKubernetesExpansion(layers.home));
  if (layers.apiUrl !== null) literal.set(AGENT_API_URL_ENV, escapeKubernetesExpansion(layers.apiUrl));

  const env: EnvVar[] = [...literal].map(([name, value]) => ({ name, value }));
  for (const reference of layers.serverReferences) {
    if (isInheritableServerEnv(reference.name) && !literal.has(reference.name)) env.push(structuredClone(reference));
  }
  if (layers.tokenSecret) {
    env.push({
      name: AGENT_API_KEY_ENV,
      valueFrom: { secretKeyRef: { name: layers.tokenSecret.name, key: layers.tokenSecret.key, optional: false } },
    });
  }
  return env;
}
