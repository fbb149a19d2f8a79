/**
 * The markdown `agentConfigurationDoc` Paperclip shows operators. The field tables are generated
 * from CONFIG_FIELDS (the same source as the parser and the UI schema), so the doc cannot list a
 * field, type or default the code does not have. Only the intro is prose.
 */
import {
  CONFIG_FIELDS,
  PER_AGENT_CONFIG_KEYS,
  SERVER_ENV_CONFIG_KEYS,
  type FieldSpec,
} from "../domain/config/config-fields.js";
import { REQUIRED_ACCESS } from "../domain/environment/required-access.js";
import { HOST_CONTROLLED_KEYS } from "./config-schema.js";

/** The verbs the adapter uses, per resource, from the same table the environment test checks. */
function rbacList(): string {
  const verbs = new Map<string, string[]>();
  for (const { resource, verb } of REQUIRED_ACCESS) verbs.set(resource, [...(verbs.get(resource) ?? []), verb]);
  return [...verbs].map(([resource, list]) => `\`${resource}\` (${list.join(", ")})`).join(", ");
}

const intro = (): string => `# Claude on Kubernetes (\`claude_k8s\`)

Runs each Claude Code agent run as an isolated Kubernetes Job. The pod writes claude's stream-json
output to a file on a shared ReadWriteMany volume mounted by both the Paperclip server pod and the
run pod (default \`/paperclip\`); the adapter tails that file, so no output depends on the pod-log API.

## Requirements

- **Shared volume:** a ReadWriteMany PersistentVolumeClaim mounted at the same path (\`dataMountPath\`)
  in the Paperclip server pod and in every run pod; run logs live under its \`instances/<id>/data/run-logs\`.
- **RBAC** for the server's service account in the run namespace: ${rbacList()}, and
  \`selfsubjectaccessreviews\` (create) for the environment test. No \`pods/log\`: output never
  comes from the pod-log API.
- **Claude credentials:** \`ANTHROPIC_API_KEY\` (or Bedrock settings) in the agent's environment, or
  Claude credentials on the shared volume.
- **Runtime:** \`kubernetes\` (default) runs a Job per run; \`local\` runs the same run script as local
  processes on the server machine (demos, tests, single-machine installs).

## Configuration

Every field is optional; an empty value means the default. Structured fields accept JSON or the
line forms given in their description. ${HOST_CONTROLLED_KEYS.map((key) => `\`${key}\``).join(", ")} are
edited with Paperclip's own controls of the agent form (Model, Command, Effort, Extra args, Prompt
Template, the Instructions tab, Environment variables), so the adapter's own section does not repeat them.
Paperclip's **Command** is the claude executable in the run pod; the \`local\` runtime accepts only \`claude\`.`;

function typeLabel(spec: FieldSpec): string {
  switch (spec.kind) {
    case "string":
      return spec.multiline ? "text (multi-line)" : "text";
    case "integer":
      return `integer ${spec.min}–${spec.max}`;
    case "boolean":
      return "boolean";
    case "enum":
      return `one of ${spec.options.map((option) => (option === "" ? '""' : `\`${option}\``)).join(", ")}`;
    case "stringList":
      return "list of strings";
    case "stringMap":
      return "map of strings";
    case "tolerations":
      return "list of tolerations";
    case "resources":
      return "resource requirements";
  }
}

function defaultLabel(spec: FieldSpec): string {
  const value: unknown = spec.default;
  if (value === null) return "inherited from the server pod";
  if (value === "") return "empty";
  if (typeof value === "string") return `\`${value}\``;
  if (typeof value === "number" || typeof value === "boolean") return `\`${String(value)}\``;
  return `\`${JSON.stringify(value)}\``;
}

/** Keeps a cell on one table row: pipes and newlines would break the markdown table. */
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function groupTable(group: FieldSpec["group"]): string {
  const rows = PER_AGENT_CONFIG_KEYS.filter((key) => CONFIG_FIELDS[key].group === group).map((key) => {
    const spec: FieldSpec = CONFIG_FIELDS[key];
    return `| \`${key}\` | ${cell(typeLabel(spec))} | ${cell(defaultLabel(spec))} | ${cell(spec.hint)} |`;
  });
  return [`### ${group}`, "", "| key | type | default | description |", "| --- | --- | --- | --- |", ...rows].join(
    "\n",
  );
}

/** Settings only the operator makes, in the Paperclip server's environment: refused in agent config. */
function serverEnvironmentTable(): string {
  const rows = SERVER_ENV_CONFIG_KEYS.map((key) => {
    const spec: FieldSpec = CONFIG_FIELDS[key];
    return `| \`${spec.serverEnv ?? ""}\` | \`${key}\` | ${cell(spec.hint)} |`;
  });
  return [
    "### Server environment (operator only)",
    "",
    "These hand the server's own secrets to run pods, so agent config cannot set them (it is refused with `invalid_config`). Set them in the Paperclip server's environment as a comma-separated list or a JSON array.",
    "",
    "| variable | field | description |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function groupsInOrder(): FieldSpec["group"][] {
  const seen: FieldSpec["group"][] = [];
  for (const key of PER_AGENT_CONFIG_KEYS) {
    const group = CONFIG_FIELDS[key].group;
    if (!seen.includes(group)) seen.push(group);
  }
  return seen;
}

export function buildAgentConfigurationDoc(): string {
  return [intro(), ...groupsInOrder().map(groupTable), serverEnvironmentTable()].join("\n\n") + "\n";
}

export const agentConfigurationDoc = buildAgentConfigurationDoc();
