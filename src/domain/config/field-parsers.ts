/**
 * One parser per field kind. Each accepts every form Paperclip's UI or API may send for that
 * kind (native JSON values, JSON text, key=value lines, one item per line) and returns the value
 * or a reason naming what is wrong. Unlike adapter-utils' lenient coercers (which silently fall
 * back to a default), a bad value here is an error the operator sees.
 */
import type { ResourceRequirements, Toleration } from "../../ports/kubernetes-objects.js";
import type {
  BooleanField,
  EnumField,
  IntegerField,
  ResourcesField,
  StringField,
  StringListField,
  StringMapField,
} from "./config-fields.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const good = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (reason: string): Parsed<never> => ({ ok: false, reason });

/** Values a form sends for "left empty". */
export function isUnset(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");
}

const describe = (raw: unknown): string =>
  Array.isArray(raw) ? "an array" : raw === null ? "null" : `a ${typeof raw}`;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Kubernetes label key: optional DNS-subdomain prefix, then a name of ≤63 chars.
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return LABEL_NAME.test(name);
}

/** A bare program name (looked up on the pod's PATH) or an absolute path: it becomes argv[0]. */
const EXECUTABLE = /^(?:[A-Za-z0-9._+-]+|\/[A-Za-z0-9._+/-]+)$/;

export function parseString(field: StringField, raw: unknown): Parsed<string> {
  if (typeof raw !== "string") return bad(`expected text, got ${describe(raw)}`);
  const value = field.multiline ? raw : raw.trim();
  if (value.includes("\0")) return bad("must not contain NUL characters");
  switch (field.format) {
    case "absolutePath":
      if (!value.startsWith("/")) return bad(`expected an absolute path, got "${value}"`);
      if (value.split("/").includes("..")) return bad(`must not contain "..", got "${value}"`);
      break;
    case "httpUrl":
      if (!/^https?:\/\/[^\s/]+/.test(value)) return bad(`expected an http(s) URL, got "${value}"`);
      break;
    case "executable":
      if (value !== "" && !EXECUTABLE.test(value)) {
        return bad(`expected a program name or an absolute path without spaces or quotes, got "${value}"`);
      }
      if (value.split("/").includes("..")) return bad(`must not contain "..", got "${value}"`);
      break;
    case "dnsLabel":
      if (!DNS_LABEL.test(value)) return bad(`expected a DNS label (a-z, 0-9, '-', ≤63), got "${value}"`);
      break;
    default:
      break;
  }
  return good(value);
}

export function parseInteger(field: IntegerField, raw: unknown): Parsed<number> {
  let value: number;
  if (typeof raw === "number") value = raw;
  else if (typeof raw === "string" && /^\s*-?\d+(\.0+)?\s*$/.test(raw)) value = Number(raw);
  else return bad(`expected a whole number, got ${typeof raw === "string" ? `"${raw}"` : describe(raw)}`);
  if (!Number.isInteger(value)) return bad(`expected a whole number, got ${value}`);
  if (value < field.min || value > field.max) {
    return bad(`must be between ${field.min} and ${field.max}, got ${value}`);
  }
  return good(value);
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

export function parseBoolean(_field: BooleanField, raw: unknown): Parsed<boolean> {
  if (typeof raw === "boolean") return good(raw);
  if (raw === 0 || raw === 1) return good(raw === 1);
  if (typeof raw === "string") {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return good(true);
    if (FALSE_WORDS.has(word)) return good(false);
  }
  return bad(`expected true or false, got ${typeof raw === "string" ? `"${raw}"` : describe(raw)}`);
}

export function parseEnum(field: EnumField, raw: unknown): Parsed<string> {
  if (typeof raw !== "string") return bad(`expected one of ${listOptions(field)}, got ${describe(raw)}`);
  const value = raw.trim();
  if (!field.options.includes(value)) return bad(`expected one of ${listOptions(field)}, got "${value}"`);
  return good(value);
}

const listOptions = (field: EnumField): string => field.options.map((o) => (o === "" ? '"" (unset)' : o)).join(", ");

function parseJsonText(text: string): Parsed<unknown> {
  try {
    return good(JSON.parse(text) as unknown);
  } catch (error) {
    return bad(`is not valid JSON (${(error as Error).message})`);
  }
}

export function parseStringList(_field: StringListField, raw: unknown): Parsed<readonly string[]> {
  let items: unknown = raw;
  if (typeof raw === "string") {
    const text = raw.trim();
    if (text.startsWith("[")) {
      const json = parseJsonText(text);
      if (!json.ok) return json;
      items = json.value;
    } else {
      // One item per line; a line is taken literally (no shell splitting, no quoting rules).
      items = raw
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "");
    }
  }
  if (!Array.isArray(items))
    return bad(`expected a JSON array of strings or one item per line, got ${describe(items)}`);
  const out: string[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item !== "string") return bad(`item ${index} must be a string, got ${describe(item)}`);
    if (item.includes("\0")) return bad(`item ${index} must not contain NUL characters`);
    out.push(item);
  }
  return good(out);
}

function parseKeyValueLines(text: string): Parsed<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) return bad(`line ${index + 1} is not key=value: "${trimmed}"`);
    out[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  }
  return good(out);
}

export function parseStringMap(field: StringMapField, raw: unknown): Parsed<Readonly<Record<string, string>>> {
  let record: unknown = raw;
  if (typeof raw === "string") {
    const text = raw.trim();
    const parsed = text.startsWith("{") ? parseJsonText(text) : parseKeyValueLines(raw);
    if (!parsed.ok) return parsed;
    record = parsed.value;
  }
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    return bad(`expected a JSON object or key=value lines, got ${describe(record)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (field.keyFormat === "envName" && !ENV_NAME.test(key)) {
      return bad(`"${key}" is not a valid environment variable name`);
    }
    if (field.keyFormat === "labelKey" && !isValidLabelKey(key)) {
      return bad(`"${key}" is not a valid Kubernetes label key`);
    }
    if (typeof value === "string") out[key] = value;
    else if (typeof value === "number" || typeof value === "boolean") out[key] = String(value);
    else return bad(`value of "${key}" must be text, got ${describe(value)}`);
    if (out[key]?.includes("\0")) return bad(`value of "${key}" must not contain NUL characters`);
    if (field.keyFormat === "labelKey" && !LABEL_VALUE.test(out[key] ?? "")) {
      return bad(`value of "${key}" is not a valid label value (≤63 of A-Z a-z 0-9 - _ .)`);
    }
  }
  return good(out);
}

const TOLERATION_KEYS = new Set(["key", "operator", "value", "effect", "tolerationSeconds"]);
const TOLERATION_OPERATORS = new Set(["Exists", "Equal"]);
const TOLERATION_EFFECTS = new Set(["", "NoSchedule", "PreferNoSchedule", "NoExecute"]);

export function parseTolerations(raw: unknown): Parsed<readonly Toleration[]> {
  let items: unknown = raw;
  if (typeof raw === "string") {
    const json = parseJsonText(raw.trim());
    if (!json.ok) return json;
    items = json.value;
  }
  if (!Array.isArray(items)) return bad(`expected a JSON array of tolerations, got ${describe(items)}`);
  const out: Toleration[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      return bad(`item ${index} must be an object, got ${describe(item)}`);
    }
    const entry = item as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!TOLERATION_KEYS.has(key)) return bad(`item ${index} has unknown field "${key}"`);
    }
    for (const key of ["key", "value", "operator", "effect"] as const) {
      if (entry[key] !== undefined && typeof entry[key] !== "string") {
        return bad(`item ${index} field "${key}" must be text`);
      }
    }
    if (entry.operator !== undefined && !TOLERATION_OPERATORS.has(entry.operator as string)) {
      return bad(`item ${index} operator must be Exists or Equal`);
    }
    if (entry.effect !== undefined && !TOLERATION_EFFECTS.has(entry.effect as string)) {
      return bad(`item ${index} effect must be NoSchedule, PreferNoSchedule or NoExecute`);
    }
    if (entry.tolerationSeconds !== undefined && !Number.isInteger(entry.tolerationSeconds)) {
      return bad(`item ${index} tolerationSeconds must be a whole number`);
    }
    out.push(entry as Toleration);
  }
  return good(out);
}

const RESOURCE_SECTIONS = ["requests", "limits"] as const;
const RESOURCE_NAMES = /^(cpu|memory|ephemeral-storage|hugepages-[A-Za-z0-9]+|[a-z0-9.-]+\/[a-z0-9.-]+)$/;

/**
 * Resources come as a nested object (or its JSON text) under "resources", or as the flat keys
 * "resources.requests.cpu" etc. that form UIs send. Unset keys keep their defaults.
 */
export function parseResources(
  field: ResourcesField,
  nested: unknown,
  flat: Readonly<Record<string, unknown>>,
): Parsed<ResourceRequirements> {
  const merged: Record<"requests" | "limits", Record<string, string>> = {
    requests: { ...field.default.requests },
    limits: { ...field.default.limits },
  };
  const apply = (section: string, name: string, value: unknown, where: string): string | null => {
    if (!(RESOURCE_SECTIONS as readonly string[]).includes(section)) {
      return `${where}: unknown section "${section}" (expected requests or limits)`;
    }
    if (!RESOURCE_NAMES.test(name)) return `${where}: unknown resource "${name}"`;
    if (isUnset(value)) return null;
    const quantity = typeof value === "number" ? String(value) : value;
    if (typeof quantity !== "string" || !QUANTITY.test(quantity.trim())) {
      return `${where}: "${String(value)}" is not a Kubernetes quantity (e.g. 500m, 2Gi)`;
    }
    merged[section as "requests" | "limits"][name] = quantity.trim();
    return null;
  };

  if (!isUnset(nested)) {
    let object: unknown = nested;
    if (typeof nested === "string") {
      const json = parseJsonText(nested.trim());
      if (!json.ok) return json;
      object = json.value;
    }
    if (typeof object !== "object" || object === null || Array.isArray(object)) {
      return bad(`expected a JSON object with requests/limits, got ${describe(object)}`);
    }
    for (const [section, values] of Object.entries(object)) {
      if (typeof values !== "object" || values === null || Array.isArray(values)) {
        return bad(`"${section}" must be an object of quantities`);
      }
      for (const [name, value] of Object.entries(values)) {
        const problem = apply(section, name, value, `${section}.${name}`);
        if (problem) return bad(problem);
      }
    }
  }
  for (const [key, value] of Object.entries(flat)) {
    const [, section = "", name = ""] = key.split(".");
    const problem = apply(section, name, value, key);
    if (problem) return bad(problem);
  }
  return good(merged);
}
