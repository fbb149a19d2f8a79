/**
 * Attack: an agent in a run pod reads the server's secrets from its env, envFrom or Secret volumes.
 * A server pod shaped like Paperclip's deployment carries BETTER_AUTH_SECRET (literal), DATABASE_URL
 * (secretKeyRef), a PAPERCLIP_* secret, an envFrom Secret and a Secret volume: none reaches the run
 * container unless the operator lists it, and the three named ones never do, even when listed.
 */
import { describe, expect, it } from "vitest";
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import { JobManifestFactory, type RunManifests } from "../../../src/domain/job/job-manifest-factory.js";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { runSpec, serverPod } from "./manifest-fixtures.js";

function paperclipLikeServerPod(): Pod {
  const pod = serverPod();
  const container = pod.spec.containers.find((c) => c.name === "paperclip")!;
  container.env = [
    ...(container.env ?? []),
    { name: "BETTER_AUTH_SECRET", value: "auth-secret-literal-value" },
    { name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "paperclip-db", key: "url" } } },
    { name: "PAPERCLIP_SECRETS_MASTER_KEY", valueFrom: { secretKeyRef: { name: "paperclip-keys", key: "master" } } },
  ];
  container.envFrom = [{ secretRef: { name: "paperclip-server-secrets" } }];
  container.volumeMounts = [...(container.volumeMounts ?? []), { name: "master-key", mountPath: "/paperclip-keys" }];
  pod.spec.volumes = [
    ...(pod.spec.volumes ?? []),
    { name: "master-key", secret: { secretName: "paperclip-master-key" } },
  ];
  return pod;
}

function build(config: Partial<AdapterConfig> = {}): RunManifests {
  const result = new JobManifestFactory().build(runSpec({ serverPod: paperclipLikeServerPod() }, config));
  if (!result.ok) throw new Error(result.failure.errorMessage);
  return result.value;
}

const podText = (m: RunManifests) => JSON.stringify(m.job.spec.template.spec);
const mainEnv = (m: RunManifests) => m.job.spec.template.spec.containers[0]?.env ?? [];

describe("attack: reading the server's secrets from a run pod", () => {
  it("gets none of BETTER_AUTH_SECRET, DATABASE_URL, PAPERCLIP_*, the envFrom Secret or the Secret volume by default", () => {
    const m = build();
    const text = podText(m);
    for (const leaked of [
      "auth-secret-literal-value",
      "paperclip-db",
      "paperclip-keys",
      "paperclip-server-secrets",
      "paperclip-master-key",
      "claude-credentials",
      "PAPERCLIP_SECRETS_MASTER_KEY",
    ]) {
      expect(text).not.toContain(leaked);
    }
    expect(m.job.spec.template.spec.containers[0]?.envFrom).toBeUndefined();
    expect(m.job.spec.template.spec.volumes?.filter((v) => v.secret)).toEqual([]);
  });

  it("never passes the three named secrets, even when the operator lists them", () => {
    const m = build({
      inheritEnv: ["BETTER_AUTH_SECRET", "DATABASE_URL", "PAPERCLIP_*", "PAPERCLIP_SECRETS_MASTER_KEY"],
    });
    const names = mainEnv(m).map((e) => e.name);
    expect(names).not.toContain("BETTER_AUTH_SECRET");
    expect(names).not.toContain("DATABASE_URL");
    expect(
      names.filter((n) => n.startsWith("PAPERCLIP_") && !["PAPERCLIP_API_URL", "PAPERCLIP_API_KEY"].includes(n)),
    ).toEqual([
      "PAPERCLIP_AGENT_ID",
      "PAPERCLIP_COMPANY_ID",
      "PAPERCLIP_RUN_ID",
      "PAPERCLIP_TASK_ID",
      "PAPERCLIP_WAKE_REASON",
    ]);
    expect(podText(m)).not.toContain("auth-secret-literal-value");
    expect(podText(m)).not.toContain("paperclip-db");
    expect(podText(m)).not.toContain("paperclip-keys");
  });

  it("passes a listed envFrom Secret and Secret volume, blanking the named secrets over the envFrom source", () => {
    const m = build({ inheritEnvFrom: ["paperclip-server-secrets"], inheritSecretVolumes: ["master-key"] });
    const main = m.job.spec.template.spec.containers[0]!;
    expect(main.envFrom).toEqual([{ secretRef: { name: "paperclip-server-secrets" } }]);
    // Kubernetes lets `env` win over `envFrom`: whatever the Secret holds under these names is replaced.
    expect(mainEnv(m).filter((e) => ["BETTER_AUTH_SECRET", "DATABASE_URL"].includes(e.name))).toEqual([
      { name: "BETTER_AUTH_SECRET", value: "" },
      { name: "DATABASE_URL", value: "" },
    ]);
    expect(main.volumeMounts?.filter((v) => v.name === "master-key")).toEqual([
      { name: "master-key", mountPath: "/paperclip-keys", readOnly: true },
    ]);
    expect(main.volumeMounts?.map((v) => v.name)).not.toContain("claude-creds");
  });

  it("inherits the model-access env (Anthropic, Bedrock, Vertex, proxies) by default", () => {
    const pod = paperclipLikeServerPod();
    const container = pod.spec.containers.find((c) => c.name === "paperclip")!;
    const modelEnv = {
      ANTHROPIC_BASE_URL: "https://llm-gateway.internal",
      CLAUDE_CODE_USE_BEDROCK: "1",
      AWS_REGION: "eu-west-1",
      CLOUD_ML_REGION: "europe-west4",
      ANTHROPIC_VERTEX_PROJECT_ID: "acme-ml",
      HTTPS_PROXY: "http://proxy:3128",
      NO_PROXY: ".svc",
    };
    container.env = [...(container.env ?? []), ...Object.entries(modelEnv).map(([name, value]) => ({ name, value }))];
    const result = new JobManifestFactory().build(runSpec({ serverPod: pod }));
    if (!result.ok) throw new Error(result.failure.errorMessage);
    const env = result.value.job.spec.template.spec.containers[0]?.env ?? [];
    for (const [name, value] of Object.entries(modelEnv)) expect(env.find((e) => e.name === name)?.value).toBe(value);
  });
});
