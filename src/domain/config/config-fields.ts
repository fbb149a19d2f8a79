/**
 * The one source of truth for the adapter's configuration: every field's key, kind, default and
 * help text. The parser, Paperclip's config schema and the agent configuration doc are all
 * generated from this table, so they cannot disagree.
 */
import { CLAUDE_FIELDS } from "./claude-fields.js";
import { CLUSTER_FIELDS } from "./cluster-fields.js";
import type { FieldSpec, ValueOf } from "./config-field-spec.js";
import { RUN_FIELDS } from "./run-fields.js";

export type * from "./config-field-spec.js";

/** Every field, by group in the order the schema and the doc list them. */
export const CONFIG_FIELDS = {
  ...CLAUDE_FIELDS,
  ...CLUSTER_FIELDS,
  ...RUN_FIELDS,
} as const satisfies Record<string, FieldSpec>;

export type ConfigFieldKey = keyof typeof CONFIG_FIELDS;

/** The validated, defaulted adapter configuration. */
export type AdapterConfig = { readonly [K in ConfigFieldKey]: ValueOf<(typeof CONFIG_FIELDS)[K]> };

export const CONFIG_FIELD_KEYS = Object.keys(CONFIG_FIELDS) as ConfigFieldKey[];

/** The fields an agent's config may set; the rest (`serverEnv`) come from the server's environment. */
export const PER_AGENT_CONFIG_KEYS = CONFIG_FIELD_KEYS.filter(
  (key) => (CONFIG_FIELDS[key] as FieldSpec).serverEnv === undefined,
);
export const SERVER_ENV_CONFIG_KEYS = CONFIG_FIELD_KEYS.filter((key) => !PER_AGENT_CONFIG_KEYS.includes(key));
