import type { AdapterExecutionContext, AdapterEnvironmentTestContext } from "@paperclipai/adapter-utils";
import { describe, expect, it } from "vitest";
import { createContainer } from "../../../src/container.js";
import { parseAdapterConfig } from "../../../src/domain/config/parse-config.js";
import { EnvironmentProbe } from "../../../src/domain/environment/environment-probe.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import {
  ContainerRunServices,
  runtimeSelectionFor,
  type RunServicesProvider,
} from "../../../src/paperclip/run-services.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";
import { readServerSettings } from "../../../src/paperclip/server-settings.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { ManualClock } from "../../fakes/manual-clock.js";

function adapterWith(hostEnv: NodeJS.ProcessEnv) {
  const kubernetes = new FakeKubernetes();
  const container = createContainer({
    bindings: { kubernetes, fileSystem: new InMemoryFileSystem(), clock: new ManualClock(0) },
  });
  const prepared: unknown[] = [];
  const services: RunServicesProvider = {
    for: () => ({
      orchestrator: container.get(RunOrchestrator),
      environment: container.get(EnvironmentProbe),
      bundles: {
        prepare: async (_ctx, config) => {
          prepared.push(config);
          return { appendSystemPromptFile: null, addDirs: [] };
        },
      },
    }),
  };
  return { kubernetes, prepared, adapter: createServerAdapter({ services, hostEnv }) };
}

function context(config: Record<string, unknown>): AdapterExecutionContext {
  return {
    runId: "run-1",
    agent: { id: "agent-1", companyId: "company-1", name: "Agent", adapterType: "claude_k8s", adapterConfig: {} },
    runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
    config,
    context: {},
    onLog: async () => {},
    authToken: "token",
  } as AdapterExecutionContext;
}

async function refusal(config: Record<string, unknown>, hostEnv: NodeJS.ProcessEnv = {}) {
  const { adapter, kubernetes, prepared } = adapterWith(hostEnv);
  const result = await adapter.execute(context(config));
  expect(kubernetes.calls).toEqual([]);
  expect(prepared).toEqual([]);
  return result;
}

describe("attack: per-agent config reaches for settings that act on the server", () => {
  it("runtime local without the server's CLAUDE_K8S_ENABLE_LOCAL_RUNTIME=1 is refused before anything runs", async () => {
    const result = await refusal({ runtime: "local", dataMountPath: "/tmp/x" });
    expect(result.errorCode).toBe("invalid_config");
    expect(result.errorMessage).toContain('"runtime"');
    expect(result.errorMessage).toContain("CLAUDE_K8S_ENABLE_LOCAL_RUNTIME=1");
  });

  it("runtime local with any other value of the variable is still refused", async () => {
    const result = await refusal({ runtime: "local" }, { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "true" });
    expect(result.errorCode).toBe("invalid_config");
  });

  it("the environment test refuses it too, naming the operator's switch", async () => {
    const { adapter } = adapterWith({});
    const tested = await adapter.testEnvironment({
      companyId: "company-1",
      adapterType: "claude_k8s",
      config: { runtime: "local" },
    } as AdapterEnvironmentTestContext);
    expect(tested.status).toBe("fail");
    expect(tested.checks[0]?.message).toContain("CLAUDE_K8S_ENABLE_LOCAL_RUNTIME=1");
  });

  it("a kubeconfig in agent config is refused: its exec plugin would run on the server", async () => {
    const result = await refusal({ kubeconfig: "/srv/attacker/kubeconfig" });
    expect(result.errorCode).toBe("invalid_config");
    expect(result.errorMessage).toContain('"kubeconfig"');
    expect(result.errorMessage).toContain("KUBECONFIG environment variable");
  });

  it("env.PATH under the local runtime is refused even when the operator enabled it", async () => {
    const result = await refusal(
      { runtime: "local", env: { PATH: "/srv/attacker/bin" } },
      { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1" },
    );
    expect(result.errorCode).toBe("invalid_config");
    expect(result.errorMessage).toContain('"env"');
    expect(result.errorMessage).toContain("PATH");
  });

  it("LD_PRELOAD under the local runtime is refused as well", async () => {
    const result = await refusal(
      { runtime: "local", env: { LD_PRELOAD: "/paperclip/evil.so" } },
      { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1" },
    );
    expect(result.errorMessage).toContain("LD_PRELOAD");
  });

  it("Paperclip's Command field under the local runtime is refused: it would name any program on the server", async () => {
    const result = await refusal({ runtime: "local", command: "/bin/sh" }, { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1" });
    expect(result.errorCode).toBe("invalid_config");
    expect(result.errorMessage).toContain('"command"');
    expect(result.errorMessage).toContain("leave Command empty");
  });

  it("env.PATH is allowed for a Kubernetes pod: it only acts inside the pod", async () => {
    const { adapter, prepared } = adapterWith({});
    await adapter.execute({ ...context({ env: { PATH: "/opt/bin:/usr/bin" }, podStartTimeoutSec: 1 }) });
    expect(prepared).toHaveLength(1);
  });
});

describe("server-side settings come from the server's environment", () => {
  it("the cluster credentials are the server's KUBECONFIG, whatever the agent config says", () => {
    const settings = readServerSettings({ KUBECONFIG: "/etc/paperclip/kubeconfig:/other" });
    expect(settings.kubeconfigPath).toBe("/etc/paperclip/kubeconfig");
    const config = parseAdapterConfig({});
    if (!config.ok) throw new Error(config.failure.errorMessage);
    expect(
      runtimeSelectionFor(config.value, { moduleDir: "/m", kubeconfigPath: settings.kubeconfigPath ?? undefined }),
    ).toEqual({ kind: "kubernetes", kubeconfigPath: "/etc/paperclip/kubeconfig" });
  });

  it("no KUBECONFIG means the in-cluster service account", () => {
    expect(readServerSettings({}).kubeconfigPath).toBeNull();
  });
});

describe("attack: per-agent config names server secrets for its pods to inherit", () => {
  it.each([
    ["inheritEnvFrom", ["paperclip-server-secrets"], "CLAUDE_K8S_INHERIT_ENV_FROM"],
    ["inheritSecretVolumes", ["paperclip-master-key"], "CLAUDE_K8S_INHERIT_SECRET_VOLUMES"],
    ["inheritEnv", ["SMTP_PASSWORD"], "CLAUDE_K8S_INHERIT_ENV"],
  ])(
    "%s in agent config is refused before anything runs, naming the server variable",
    async (field, value, variable) => {
      const result = await refusal({ [field]: value }, { CLAUDE_K8S_INHERIT_ENV_FROM: "run-secrets" });
      expect(result.errorCode).toBe("invalid_config");
      expect(result.errorMessage).toContain(`"${field}"`);
      expect(result.errorMessage).toContain(variable);
    },
  );
});

describe("what run pods inherit is the operator's, from the server's environment", () => {
  it("reads the lists from the server variables (commas, spaces or a JSON array)", () => {
    const config = parseAdapterConfig(
      {},
      {
        serverEnv: {
          CLAUDE_K8S_INHERIT_ENV: "SENTRY_DSN, OTEL_*",
          CLAUDE_K8S_INHERIT_ENV_FROM: '["run-secrets","proxy-config"]',
          CLAUDE_K8S_INHERIT_SECRET_VOLUMES: "ca-bundle",
        },
      },
    );
    if (!config.ok) throw new Error(config.failure.errorMessage);
    expect(config.value.inheritEnv).toEqual(["SENTRY_DSN", "OTEL_*"]);
    expect(config.value.inheritEnvFrom).toEqual(["run-secrets", "proxy-config"]);
    expect(config.value.inheritSecretVolumes).toEqual(["ca-bundle"]);
  });

  it("inherits nothing extra when the operator set nothing", () => {
    const config = parseAdapterConfig({}, { serverEnv: {} });
    if (!config.ok) throw new Error(config.failure.errorMessage);
    expect([config.value.inheritEnv, config.value.inheritEnvFrom, config.value.inheritSecretVolumes]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it("an embedder's own config (no server environment given) still sets them directly", () => {
    const config = parseAdapterConfig({ inheritEnvFrom: ["run-secrets"] });
    if (!config.ok) throw new Error(config.failure.errorMessage);
    expect(config.value.inheritEnvFrom).toEqual(["run-secrets"]);
  });
});

describe("an agent created with {} (Paperclip's wizard) on a server without cluster credentials", () => {
  const wizardAgent = (hostEnv: NodeJS.ProcessEnv) => createServerAdapter({ hostEnv });

  it("fails its first run with k8s_not_configured, saying what to set, before anything starts", async () => {
    const logs: string[] = [];
    const result = await wizardAgent({}).execute({
      ...context({}),
      onLog: async (_stream: string, chunk: string) => {
        logs.push(chunk);
      },
    } as AdapterExecutionContext);
    expect(result.errorCode).toBe("k8s_not_configured");
    expect(result.errorMessage).toContain("KUBECONFIG");
    expect(result.errorMessage).toContain('runtime to "local"');
    expect(result.errorMessage).toContain("CLAUDE_K8S_ENABLE_LOCAL_RUNTIME=1");
    expect(logs).toEqual([]);
  });

  it("gets the same named failure from the environment test, which touches nothing", async () => {
    const result = await wizardAgent({}).testEnvironment({
      companyId: "company-1",
      adapterType: "claude_k8s",
      config: {},
    });
    expect(result.status).toBe("fail");
    expect(result.checks.map((check) => check.code)).toEqual(["k8s_not_configured"]);
  });

  it("is not refused in a cluster (service account) or with the server's KUBECONFIG", () => {
    const config = parseAdapterConfig({});
    if (!config.ok) throw new Error(config.failure.errorMessage);
    expect(new ContainerRunServices({ moduleDir: "/m", inCluster: true }).unavailable(config.value)).toBeNull();
    expect(new ContainerRunServices({ moduleDir: "/m", kubeconfigPath: "/k" }).unavailable(config.value)).toBeNull();
    expect(new ContainerRunServices({ moduleDir: "/m" }).unavailable(config.value)?.errorCode).toBe(
      "k8s_not_configured",
    );
    expect(readServerSettings({ KUBERNETES_SERVICE_HOST: "10.0.0.1" }).inCluster).toBe(true);
  });
});
