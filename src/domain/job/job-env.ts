/**
 * The run container's env, in layers where later wins: the server pod's literal env (as written in
 * its spec), Paperclip's run env, the run's context vars, then the operator's `config.env`. On top
 * of every layer the adapter sets `HOME` (the data mount), the pod-reachable `PAPERCLIP_API_URL`
 * and `PAPERCLIP_API_KEY` — the last only ever as a `secretKeyRef` to the per-run Secret, so no
 * layer can put the run token into the Job as a literal. The server pod's `valueFrom` entries
 * follow unless a literal of the same name exists.
 */
import type { EnvVar } from "../../ports/kubernetes-objects.js";
import { API_URL_ENV } from "./api-url.js";
import { escapeKubernetesExpansion } from "./kubernetes-expansion.js";

export const API_KEY_ENV = "PAPERCLIP_API_KEY";
export const RUN_TOKEN_SECRET_KEY = API_KEY_ENV;

/**
 * Defaults under every layer (any layer may override). Claude retries a failed API call 10 times
 * by default, minutes of pod time per failed run (a 429's retry-after is waited each time); two
 * retries ride out a blip, and Paperclip retries the run itself after a transient failure.
 */
export const CLAUDE_ENV_DEFAULTS: Readonly<Record<string, string>> = { CLAUDE_CODE_MAX_RETRIES: "2" };

/** Names only the adapter sets; dropped from every layer. */
const ADAPTER_OWNED = new Set([API_KEY_ENV, API_URL_ENV, "HOME"]);

/**
 * Paperclip's own rule for env a child inherits from the server: its PAPERCLIP_* settings (the
 * instance's paths, its JWT secret, ...) are the server's, not the agent's; run-specific PAPERCLIP_*
 * values come from the run env layer instead.
 */
const SERVER_PAPERCLIP_KEYS_KEPT = new Set([
  "PAPERCLIP_RUNTIME_API_URL",
  "PAPERCLIP_LISTEN_HOST",
  "PAPERCLIP_LISTEN_PORT",
]);

export function isInheritableServerEnv(name: string): boolean {
  if (ADAPTER_OWNED.has(name)) return false;
  return !name.startsWith("PAPERCLIP_") || SERVER_PAPERCLIP_KEYS_KEPT.has(name);
}

export interface EnvLayers {
  readonly serverLiteral: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly serverReferences: readonly EnvVar[];
  readonly paperclip: Readonly<Record<string, string>>;
  readonly context: Readonly<Record<string, string>>;
  readonly config: Readonly<Record<string, string>>;
  readonly home: string;
  readonly apiUrl: string;
  /** Where the run token lives; null when the run has no token. */
  readonly tokenSecret: { readonly name: string; readonly key: string } | null;
}

export function buildContainerEnv(layers: EnvLayers): EnvVar[] {
  // Values are stored as they must appear in the spec: the server's own values as written there
  // (they were authored for Kubernetes' $(VAR) expansion), ours escaped so they arrive literally.
  const literal = new Map<string, string>(Object.entries(CLAUDE_ENV_DEFAULTS));
  for (const { name, value } of layers.serverLiteral) {
    if (isInheritableServerEnv(name)) literal.set(name, value);
  }
  for (const layer of [layers.paperclip, layers.context, layers.config]) {
    for (const [name, value] of Object.entries(layer)) {
      if (!ADAPTER_OWNED.has(name)) literal.set(name, escapeKubernetesExpansion(value));
    }
  }
  literal.set("HOME", escapeKubernetesExpansion(layers.home));
  literal.set(API_URL_ENV, escapeKubernetesExpansion(layers.apiUrl));

  const env: EnvVar[] = [...literal].map(([name, value]) => ({ name, value }));
  for (const reference of layers.serverReferences) {
    if (isInheritableServerEnv(reference.name) && !literal.has(reference.name)) env.push(structuredClone(reference));
  }
  if (layers.tokenSecret) {
    env.push({
      name: API_KEY_ENV,
      valueFrom: { secretKeyRef: { name: layers.tokenSecret.name, key: layers.tokenSecret.key, optional: false } },
    });
  }
  return env;
}
