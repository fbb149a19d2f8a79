/**
 * Parses Paperclip's free-form `config` record into a validated, defaulted AdapterConfig. The
 * first bad field yields an `invalid_config` failure naming it, before anything touches the
 * cluster. Keys this adapter does not own (host-injected ones such as paperclipRuntimeSkills)
 * are ignored.
 */
import { fail, ok, runFailure, type Result } from "../errors.js";
import {
  CONFIG_FIELDS,
  CONFIG_FIELD_KEYS,
  type AdapterConfig,
  type ConfigFieldKey,
  type FieldSpec,
} from "./config-fields.js";
import {
  isUnset,
  parseBoolean,
  parseEnum,
  parseInteger,
  parseResources,
  parseString,
  parseStringList,
  parseStringMap,
  parseTolerations,
  type Parsed,
} from "./field-parsers.js";

/** Label key prefixes the adapter sets itself; config may not override them. */
export const RESERVED_LABEL_PREFIXES = ["paperclip.io/", "app.kubernetes.io/", "claude-k8s.paperclip.io/"];

export interface ParseConfigOptions {
  /** Env keys the host reserves (Paperclip's own); adapter-utils' isForbiddenConfigEnvKey at the edge. */
  readonly isForbiddenEnvKey?: (key: string) => boolean;
  /**
   * The Paperclip server's environment, when the config comes from an agent: fields with a
   * `serverEnv` are then read from it (a comma-, space- or newline-separated list, or a JSON array)
   * and refused in the agent's config. Without it (an embedder's own config) they are read as given.
   */
  readonly serverEnv?: Readonly<Record<string, string | undefined>>;
}

const FLAT_RESOURCE_KEY = /^resources\./;

/** Keys that once were per-agent but act on the server: refused when set, with what to do instead. */
const SERVER_ONLY_KEYS: Readonly<Record<string, string>> = {
  kubeconfig:
    "the Kubernetes credentials come only from the Paperclip server's KUBECONFIG environment variable (else its in-cluster service account), never from agent config; remove this field and ask the operator to set KUBECONFIG on the server",
};

function parseField(
  key: ConfigFieldKey,
  spec: FieldSpec,
  raw: unknown,
  config: Readonly<Record<string, unknown>>,
): Parsed<unknown> {
  if (spec.kind === "resources") {
    const flat = Object.fromEntries(Object.entries(config).filter(([k]) => FLAT_RESOURCE_KEY.test(k)));
    return parseResources(spec, raw, flat);
  }
  if (isUnset(raw)) return { ok: true, value: spec.default };
  switch (spec.kind) {
    case "string":
      return parseString(spec, raw);
    case "integer":
      return parseInteger(spec, raw);
    case "boolean":
      return parseBoolean(spec, raw);
    case "enum":
      return parseEnum(spec, raw);
    case "stringList":
      return parseStringList(spec, raw);
    case "stringMap":
      return parseStringMap(spec, raw);
    case "tolerations":
      return parseTolerations(raw);
    default: {
      const unreachable: never = spec;
      throw new Error(`unhandled field kind for ${key}: ${String(unreachable)}`);
    }
  }
}

function checkPolicies(key: ConfigFieldKey, value: unknown, options: ParseConfigOptions): string | null {
  if (key === "env" && options.isForbiddenEnvKey) {
    const forbidden = Object.keys(value as Record<string, string>).filter((k) => options.isForbiddenEnvKey?.(k));
    if (forbidden.length > 0) return `${forbidden.join(", ")} cannot be set here (reserved by Paperclip)`;
  }
  if (key === "labels") {
    const reserved = Object.keys(value as Record<string, string>).filter((k) =>
      RESERVED_LABEL_PREFIXES.some((prefix) => k.startsWith(prefix)),
    );
    if (reserved.length > 0) return `${reserved.join(", ")} use a prefix reserved by the adapter`;
  }
  return null;
}

function serverScopedReason(variable: string): string {
  return `it hands the Paperclip server's own secrets to run pods, so only the operator sets it: remove it from the agent's config and set ${variable} in the server's environment`;
}

/** A server env list: a JSON array as is, else items separated by commas, spaces or newlines. */
function fromServerEnv(value: string | undefined): unknown {
  if (value === undefined || value.trim() === "") return undefined;
  return value.trim().startsWith("[")
    ? value
    : value
        .split(/[\s,]+/)
        .filter(Boolean)
        .join("\n");
}

export function parseAdapterConfig(
  config: Readonly<Record<string, unknown>> | null | undefined,
  options: ParseConfigOptions = {},
): Result<AdapterConfig> {
  const source = config ?? {};
  for (const [key, reason] of Object.entries(SERVER_ONLY_KEYS)) {
    if (!isUnset(source[key])) return fail(runFailure("invalid_config", { field: key, reason }));
  }
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_FIELD_KEYS) {
    const spec: FieldSpec = CONFIG_FIELDS[key];
    if (spec.serverEnv !== undefined && options.serverEnv !== undefined && !isUnset(source[key])) {
      return fail(runFailure("invalid_config", { field: key, reason: serverScopedReason(spec.serverEnv) }));
    }
    const raw =
      spec.serverEnv !== undefined && options.serverEnv !== undefined
        ? fromServerEnv(options.serverEnv[spec.serverEnv])
        : source[key];
    const parsed = parseField(key, spec, raw, source);
    if (!parsed.ok) return fail(runFailure("invalid_config", { field: key, reason: parsed.reason }));
    const problem = checkPolicies(key, parsed.value, options);
    if (problem) return fail(runFailure("invalid_config", { field: key, reason: problem }));
    out[key] = parsed.value;
  }
  // The loop above fills every key of AdapterConfig with a value parsed for its kind.
  return ok(out as unknown as AdapterConfig);
}

/** Defaults only: what an empty config means. */
export function defaultAdapterConfig(): AdapterConfig {
  const parsed = parseAdapterConfig({});
  if (!parsed.ok) throw new Error(`defaults do not parse: ${parsed.failure.errorMessage}`);
  return parsed.value;
}
