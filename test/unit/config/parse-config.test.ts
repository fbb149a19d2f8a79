import { describe, expect, it } from "vitest";
import { CONFIG_FIELDS, CONFIG_FIELD_KEYS } from "../../../src/domain/config/config-fields.js";
import { defaultAdapterConfig, parseAdapterConfig } from "../../../src/domain/config/parse-config.js";
import { CONFIG_FIELD_CASES } from "./config-field-cases.js";

function parsed(config: Record<string, unknown>) {
  const result = parseAdapterConfig(config, { isForbiddenEnvKey: (key) => key.startsWith("PAPERCLIP_") });
  if (!result.ok) throw new Error(`expected success, got ${result.failure.errorMessage}`);
  return result.value;
}

function failure(config: Record<string, unknown>) {
  const result = parseAdapterConfig(config, { isForbiddenEnvKey: (key) => key.startsWith("PAPERCLIP_") });
  if (result.ok) throw new Error(`expected invalid_config for ${JSON.stringify(config)}`);
  return result.failure;
}

describe("parseAdapterConfig defaults", () => {
  it("fills every field with its declared default when the config is empty", () => {
    const config = defaultAdapterConfig();
    for (const key of CONFIG_FIELD_KEYS) {
      expect(config[key], key).toEqual(CONFIG_FIELDS[key].default);
    }
  });

  it.each(CONFIG_FIELD_KEYS)("treats null, undefined and blank text as unset for %s", (key) => {
    for (const blank of [null, undefined, "", "   "]) {
      expect(parsed({ [key]: blank })[key]).toEqual(CONFIG_FIELDS[key].default);
    }
  });

  it("ignores keys the adapter does not own (host-injected ones)", () => {
    expect(parsed({ paperclipRuntimeSkills: [{ key: "x" }], somethingElse: 1 })).toEqual(defaultAdapterConfig());
  });
});

describe("parseAdapterConfig per field", () => {
  it("has accept and reject cases for every field", () => {
    expect(Object.keys(CONFIG_FIELD_CASES).sort()).toEqual([...CONFIG_FIELD_KEYS].sort());
  });

  describe.each(CONFIG_FIELD_KEYS)("%s", (key) => {
    it.each(CONFIG_FIELD_CASES[key].accept.map(([raw, value]) => ({ raw, value })))(
      "accepts $raw",
      ({ raw, value }) => {
        expect(parsed({ [key]: raw })[key]).toEqual(value);
      },
    );

    it.each(CONFIG_FIELD_CASES[key].reject.map((raw) => ({ raw })))(
      "refuses $raw with invalid_config naming the field",
      ({ raw }) => {
        const f = failure({ [key]: raw });
        expect(f.errorCode).toBe("invalid_config");
        expect(f.details.field).toBe(key);
        expect(f.errorMessage).toContain(`"${key}"`);
      },
    );
  });
});

describe("parseAdapterConfig flat resource keys", () => {
  it("accepts the flat keys form UIs send, over the nested value and the defaults", () => {
    const config = parsed({
      resources: { requests: { cpu: "500m" } },
      "resources.requests.cpu": "750m",
      "resources.limits.memory": "16Gi",
    });
    expect(config.resources).toEqual({
      requests: { cpu: "750m", memory: "2Gi" },
      limits: { cpu: "4000m", memory: "16Gi" },
    });
  });

  it("names the bad flat key in the error", () => {
    const f = failure({ "resources.limits.cpu": "fast" });
    expect(f.details.field).toBe("resources");
    expect(f.errorMessage).toContain("resources.limits.cpu");
  });

  it("refuses an unknown flat section", () => {
    expect(failure({ "resources.wishes.cpu": "1" }).errorMessage).toContain('unknown section "wishes"');
  });
});

describe("parseAdapterConfig messages", () => {
  it("says what is wrong and what was received", () => {
    expect(failure({ timeoutSec: -1 }).errorMessage).toBe(
      'Invalid adapter config field "timeoutSec": must be between 0 and 2592000, got -1. Fix it in the agent\'s adapter settings.',
    );
    expect(failure({ env: { PAPERCLIP_API_KEY: "x" } }).errorMessage).toContain("PAPERCLIP_API_KEY cannot be set here");
  });
});
