import { describe, expect, it } from "vitest";
import { agentConfigurationDoc } from "../../../src/paperclip/agent-configuration-doc.js";
import {
  CONFIG_FIELDS,
  PER_AGENT_CONFIG_KEYS,
  SERVER_ENV_CONFIG_KEYS,
  type FieldSpec,
} from "../../../src/domain/config/config-fields.js";
import { REQUIRED_ACCESS } from "../../../src/domain/environment/required-access.js";

const rowOf = (key: string): string | undefined =>
  agentConfigurationDoc.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
const serverSection = agentConfigurationDoc.slice(agentConfigurationDoc.indexOf("### Server environment"));
const perAgentSection = agentConfigurationDoc.slice(0, agentConfigurationDoc.indexOf("### Server environment"));
const tableRows = perAgentSection.split("\n").filter((line) => /^\| `[^`]+` \|/.test(line));

describe("agentConfigurationDoc", () => {
  it.each(PER_AGENT_CONFIG_KEYS)("has one table row for %s holding its hint and default", (key) => {
    const spec: FieldSpec = CONFIG_FIELDS[key];
    const row = rowOf(key);
    expect(row).toBeDefined();
    expect(row).toContain(spec.hint.replace(/\|/g, "\\|"));
    const value: unknown = spec.default;
    if (value === null) expect(row).toContain("inherited from the server pod");
    else if (value === "") expect(row).toContain("| empty |");
    else if (typeof value === "object") expect(row).toContain(JSON.stringify(value));
    else expect(row).toContain(`\`${String(value)}\``);
  });

  it("lists no field that is not in CONFIG_FIELDS (nothing hand-written)", () => {
    const documented = tableRows.map((line) => /^\| `([^`]+)` \|/.exec(line)?.[1]);
    expect(documented).toEqual(PER_AGENT_CONFIG_KEYS);
  });

  it("puts each field under the heading of its group", () => {
    for (const key of PER_AGENT_CONFIG_KEYS) {
      const heading = agentConfigurationDoc.lastIndexOf("\n### ", agentConfigurationDoc.indexOf(`| \`${key}\` |`));
      expect(agentConfigurationDoc.slice(heading + 5).startsWith(CONFIG_FIELDS[key].group)).toBe(true);
    }
  });

  it.each(SERVER_ENV_CONFIG_KEYS)(
    "documents %s as the operator's, by its server variable, not as an agent field",
    (key) => {
      const spec: FieldSpec = CONFIG_FIELDS[key];
      expect(rowOf(key)).toBeUndefined();
      const row = serverSection.split("\n").find((line) => line.startsWith(`| \`${spec.serverEnv}\` | \`${key}\` |`));
      expect(row).toContain(spec.hint.replace(/\|/g, "\\|"));
    },
  );

  it("states the requirements: the RWX volume, RBAC and the runtime modes", () => {
    expect(agentConfigurationDoc).toMatch(/ReadWriteMany/);
    expect(agentConfigurationDoc).toMatch(/RBAC/);
    expect(agentConfigurationDoc).toMatch(/`kubernetes`/);
    expect(agentConfigurationDoc).toMatch(/`local`/);
  });

  it("gives every table row exactly four cells", () => {
    for (const row of tableRows) expect(row.split(/(?<!\\)\|/).length).toBe(6);
  });

  it("lists every Kubernetes verb the adapter uses, per resource, in the RBAC requirement", () => {
    const rbac = agentConfigurationDoc.split("\n## Configuration")[0] ?? "";
    for (const { resource, verb } of REQUIRED_ACCESS) {
      expect(rbac).toMatch(new RegExp(`\`${resource}\` \\([^)]*\\b${verb}\\b`));
    }
  });
});
