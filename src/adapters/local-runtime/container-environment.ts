/**
 * A container's environment as the kubelet would build it: envFrom sources first, then `env` in
 * order (each value `$(VAR)`-expanded against what is defined so far), secret and field
 * references resolved. Local additions: the runtime's base variables come first (PATH, HOME,
 * HOSTNAME), and PATH is always the server's own (`pathPrepend` in front of the base PATH): the
 * processes run on the server host, so a Job's PATH (from agent config) never chooses what runs. Literal values go through the mount table
 * (see mount-table.ts); values from Secrets are never rewritten.
 */
import type { Container, Pod } from "../../ports/kubernetes-objects.js";
import type { MountTable } from "./mount-table.js";
import { secretValues, type SecretLookup } from "./secret-data.js";
import { expandKubernetesReferences } from "./variable-expansion.js";

export type EnvironmentResult =
  { readonly ok: true; readonly env: Record<string, string> } | { readonly ok: false; readonly message: string };

export interface EnvironmentInputs {
  readonly pod: Pod;
  readonly container: Container;
  readonly secretLookup: SecretLookup;
  readonly baseEnv: Readonly<Record<string, string>>;
  readonly pathPrepend: readonly string[];
  readonly mounts: MountTable;
  readonly nodeName: string;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

class ConfigError extends Error {}

export function buildContainerEnvironment(inputs: EnvironmentInputs): EnvironmentResult {
  try {
    const env: Record<string, string> = { ...inputs.baseEnv };
    for (const source of inputs.container.envFrom ?? []) addEnvFrom(env, source, inputs);
    for (const variable of inputs.container.env ?? []) {
      const value = resolveValue(variable, env, inputs);
      if (value !== undefined) env[variable.name] = value;
    }
    env.PATH = [...inputs.pathPrepend, ...(inputs.baseEnv.PATH ? [inputs.baseEnv.PATH] : [])].join(":");
    return { ok: true, env };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message };
    throw error;
  }
}

type EnvFromSource = NonNullable<Container["envFrom"]>[number];
type EnvVariable = NonNullable<Container["env"]>[number];

function addEnvFrom(env: Record<string, string>, source: EnvFromSource, inputs: EnvironmentInputs): void {
  if (source.configMapRef) {
    if (source.configMapRef.optional === true) return;
    throw new ConfigError(`configmap "${source.configMapRef.name}" not found (the local runtime has no ConfigMaps)`);
  }
  if (!source.secretRef) return;
  const secret = inputs.secretLookup(source.secretRef.name);
  if (!secret) {
    if (source.secretRef.optional === true) return;
    throw new ConfigError(`secret "${source.secretRef.name}" not found`);
  }
  for (const [key, value] of Object.entries(secretValues(secret))) {
    const name = `${source.prefix ?? ""}${key}`;
    if (ENV_NAME.test(name)) env[name] = value;
  }
}

function resolveValue(
  variable: EnvVariable,
  env: Record<string, string>,
  inputs: EnvironmentInputs,
): string | undefined {
  const from = variable.valueFrom;
  if (!from) {
    return inputs.mounts.translate(expandKubernetesReferences(variable.value ?? "", (name) => env[name]));
  }
  if (from.secretKeyRef) {
    const { name, key, optional } = from.secretKeyRef;
    const secret = inputs.secretLookup(name);
    const value = secret ? secretValues(secret)[key] : undefined;
    if (value !== undefined || optional === true) return value;
    throw new ConfigError(
      secret
        ? `couldn't find key ${key} in Secret ${inputs.pod.metadata.namespace}/${name}`
        : `secret "${name}" not found`,
    );
  }
  if (from.configMapKeyRef) {
    if (from.configMapKeyRef.optional === true) return undefined;
    throw new ConfigError(`configmap "${from.configMapKeyRef.name}" not found (the local runtime has no ConfigMaps)`);
  }
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, inputs);
  throw new ConfigError(`env ${variable.name}: this kind of valueFrom is not supported by the local runtime`);
}

function fieldValue(fieldPath: string, inputs: EnvironmentInputs): string {
  const { metadata, spec } = inputs.pod;
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) {
    const map = labelOrAnnotation[1] === "labels" ? metadata.labels : metadata.annotations;
    return map?.[labelOrAnnotation[2] ?? ""] ?? "";
  }
  const fields: Record<string, string | undefined> = {
    "metadata.name": metadata.name,
    "metadata.namespace": metadata.namespace,
    "metadata.uid": metadata.uid,
    "spec.nodeName": inputs.nodeName,
    "spec.serviceAccountName": spec.serviceAccountName ?? "default",
    "status.podIP": "127.0.0.1",
    "status.hostIP": "127.0.0.1",
  };
  if (fieldPath in fields) return fields[fieldPath] ?? "";
  throw new ConfigError(`fieldRef "${fieldPath}" is not supported by the local runtime`);
}
