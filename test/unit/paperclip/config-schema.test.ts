import { describe, expect, it } from "vitest";
import { buildConfigSchema, HOST_CONTROLLED_KEYS, SCHEMA_FIELD_KEYS } from "../../../src/paperclip/config-schema.js";
import {
  CONFIG_FIELDS,
  PER_AGENT_CONFIG_KEYS,
  SERVER_ENV_CONFIG_KEYS,
  type FieldSpec,
} from "../../../src/domain/config/config-fields.js";
import { parseAdapterConfig } from "../../../src/domain/config/parse-config.js";

const schema = buildConfigSchema();
const byKey = new Map(schema.fields.map((field) => [field.key, field]));
const specs = SCHEMA_FIELD_KEYS.map((key) => [key, CONFIG_FIELDS[key]]) as [string, FieldSpec][];

describe("buildConfigSchema", () => {
  it("lists the per-agent fields of CONFIG_FIELDS the host has no control for, in order, once each", () => {
    expect(schema.fields.map((field) => field.key)).toEqual(
      PER_AGENT_CONFIG_KEYS.filter((key) => !HOST_CONTROLLED_KEYS.includes(key)),
    );
  });

  it("offers no field that hands the server's secrets to pods (those are the operator's, in the server env)", () => {
    expect(SERVER_ENV_CONFIG_KEYS).toEqual(["inheritEnv", "inheritEnvFrom", "inheritSecretVolumes"]);
    for (const key of SERVER_ENV_CONFIG_KEYS) expect(byKey.has(key)).toBe(false);
  });

  it("gives no key a second control next to the host's own (Model, Command, Effort, Extra args, Prompt Template, instructions, env)", () => {
    const served = schema.fields.map((field) => field.key);
    for (const key of ["model", "command", "effort", "extraArgs", "promptTemplate", "instructionsFilePath", "env"]) {
      expect(served).not.toContain(key);
    }
  });

  it("serves every per-agent field of the config table the host does not edit itself (nothing silently dropped)", () => {
    for (const key of PER_AGENT_CONFIG_KEYS) {
      expect(byKey.has(key) !== HOST_CONTROLLED_KEYS.includes(key), key).toBe(true);
    }
  });

  it.each(specs)("gives %s the label, group and a non-empty hint from the source table", (key, spec) => {
    const field = byKey.get(key);
    expect(field?.label).toBe(spec.label);
    expect(field?.group).toBe(spec.group);
    expect(field?.hint?.startsWith(spec.hint)).toBe(true);
    expect(field?.hint?.trim().length).toBeGreaterThan(10);
  });

  it("maps each field kind to the UI control that can hold it", () => {
    const expected: Record<FieldSpec["kind"], string[]> = {
      string: ["text", "textarea"],
      integer: ["number"],
      boolean: ["toggle"],
      enum: ["select"],
      stringList: ["textarea"],
      stringMap: ["textarea"],
      tolerations: ["textarea"],
      resources: ["textarea"],
    };
    for (const [key, spec] of specs) expect(expected[spec.kind]).toContain(byKey.get(key)?.type);
    expect(byKey.get("labels")?.type).toBe("textarea");
    expect(byKey.get("image")?.type).toBe("text");
  });

  it("offers every enum option of the source as a select option", () => {
    for (const [key, spec] of specs) {
      if (spec.kind !== "enum") continue;
      expect(byKey.get(key)?.options?.map((option) => option.value)).toEqual(spec.options);
    }
  });

  it("uses the source default unchanged for scalar fields", () => {
    for (const [key, spec] of specs) {
      if (["string", "integer", "boolean", "enum"].includes(spec.kind)) {
        expect(byKey.get(key)?.default).toBe(spec.default);
      }
    }
    expect(byKey.get("maxTurnsPerRun")?.default).toBe(0);
    expect(byKey.get("dangerouslySkipPermissions")?.default).toBe(true);
  });

  it.each(specs)(
    "round-trips the schema default of %s through parseAdapterConfig to the source default",
    (key, spec) => {
      const parsed = parseAdapterConfig({ [key]: byKey.get(key)?.default });
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.value[key as keyof typeof parsed.value]).toEqual(spec.default);
    },
  );

  it("names the accepted text forms in the hint of every textarea-backed structured field", () => {
    expect(byKey.get("nodeSelector")?.hint).toMatch(/JSON object, or key=value lines/);
    expect(byKey.get("labels")?.hint).toMatch(/key=value lines/);
    expect(byKey.get("tolerations")?.hint).toMatch(/JSON array/);
    expect(byKey.get("resources")?.hint).toMatch(/"requests"/);
  });

  it("shows the resources default as JSON text that the parser reads back", () => {
    const text = byKey.get("resources")?.default;
    expect(typeof text).toBe("string");
    expect(JSON.parse(text as string)).toEqual(CONFIG_FIELDS.resources.default);
  });
});
