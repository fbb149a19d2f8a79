/**
 * Paperclip's config schema (the fields its UI renders for this adapter), generated from
 * CONFIG_FIELDS so the form, the parser and the doc can never disagree about a field. Keys the
 * host's agent form already edits with its own controls are left out, so no key gets two controls.
 */
import type { AdapterConfigSchema, ConfigFieldSchema } from "@paperclipai/adapter-utils";
import {
  CONFIG_FIELDS,
  PER_AGENT_CONFIG_KEYS,
  type ConfigFieldKey,
  type FieldSpec,
} from "../domain/config/config-fields.js";

/**
 * Config keys Paperclip's agent form writes through controls of its own for an adapter that, like
 * ours, supports instructions bundles and local agent JWTs: Model, Command, Effort and Extra args
 * (Advanced), Prompt Template, the instructions tab (instructionsPathKey), the environment-variables
 * editor, and — once set — "Working directory (deprecated)" and "Bootstrap prompt (legacy)". The
 * adapter still reads all of them; only the form leaves them to the host. (The host hides its own
 * Timeout and Grace controls when the schema has those keys, so ours stay.)
 */
export const HOST_CONTROLLED_KEYS: readonly ConfigFieldKey[] = [
  "model",
  "command",
  "effort",
  "extraArgs",
  "promptTemplate",
  "bootstrapPromptTemplate",
  "instructionsFilePath",
  "env",
  "cwd",
];

/** The keys the schema serves, in table order: per-agent settings the host has no control for. */
export const SCHEMA_FIELD_KEYS: readonly ConfigFieldKey[] = PER_AGENT_CONFIG_KEYS.filter(
  (key) => !HOST_CONTROLLED_KEYS.includes(key),
);

/** How each multi-value kind may be typed into a textarea (shown after the field's own hint). */
const ACCEPTED_FORMS: Partial<Record<FieldSpec["kind"], string>> = {
  stringList: "Accepts a JSON array of strings, or one item per line.",
  stringMap: "Accepts a JSON object, or key=value lines.",
  tolerations: 'Accepts a JSON array, e.g. [{"key":"gpu","operator":"Exists","effect":"NoSchedule"}].',
  resources: 'Accepts a JSON object, e.g. {"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"memory":"4Gi"}}.',
};

function uiType(spec: FieldSpec): ConfigFieldSchema["type"] {
  switch (spec.kind) {
    case "string":
      return spec.multiline ? "textarea" : "text";
    case "integer":
      return "number";
    case "boolean":
      return "toggle";
    case "enum":
      return "select";
    case "stringList":
    case "stringMap":
    case "tolerations":
    case "resources":
      return "textarea";
  }
}

/**
 * The default as the form shows it. Textareas hold text, so structured defaults are rendered as
 * the JSON text the parser reads back; null (inherit from the server pod) becomes an empty box.
 */
function uiDefault(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case "stringList":
      return spec.default.length === 0 ? "" : JSON.stringify(spec.default);
    case "stringMap":
    case "tolerations":
      return spec.default === null || isEmpty(spec.default) ? "" : JSON.stringify(spec.default);
    case "resources":
      return JSON.stringify(spec.default);
    default:
      return spec.default;
  }
}

const isEmpty = (value: object): boolean => Object.keys(value).length === 0;

function hintFor(spec: FieldSpec): string {
  const forms = ACCEPTED_FORMS[spec.kind];
  return forms ? `${spec.hint} ${forms}` : spec.hint;
}

function fieldSchema(key: string, spec: FieldSpec): ConfigFieldSchema {
  const field: ConfigFieldSchema = {
    key,
    label: spec.label,
    type: uiType(spec),
    default: uiDefault(spec),
    hint: hintFor(spec),
    group: spec.group,
    meta: spec.kind === "integer" ? { kind: spec.kind, min: spec.min, max: spec.max } : { kind: spec.kind },
  };
  if (spec.kind === "enum") {
    field.options = spec.options.map((value) => ({ value, label: value === "" ? "(default)" : value }));
  }
  return field;
}

export function buildConfigSchema(): AdapterConfigSchema {
  // Neither fields the operator sets in the server\'s environment nor those the host edits itself.
  return { fields: SCHEMA_FIELD_KEYS.map((key) => fieldSchema(key, CONFIG_FIELDS[key])) };
}
