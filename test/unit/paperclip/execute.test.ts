import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import { describe, expect, it } from "vitest";
import { createContainer } from "../../../src/container.js";
import { EnvironmentProbe } from "../../../src/domain/environment/environment-probe.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";
import type { RunServicesProvider } from "../../../src/paperclip/run-services.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { ManualClock } from "../../fakes/manual-clock.js";

function adapterOnFakes(overrides: Partial<ReturnType<RunServicesProvider["for"]>> = {}) {
  const kubernetes = new FakeKubernetes();
  const container = createContainer({
    bindings: { kubernetes, fileSystem: new InMemoryFileSystem(), clock: new ManualClock(0) },
  });
  const services: RunServicesProvider = {
    for: () => ({
      orchestrator: container.get(RunOrchestrator),
      environment: container.get(EnvironmentProbe),
      bundles: { prepare: async () => ({ appendSystemPromptFile: null, addDirs: [] }) },
      ...overrides,
    }),
  };
  return { kubernetes, adapter: createServerAdapter({ services, hostEnv: {} }) };
}

function context(config: Record<string, unknown>, logs: string[] = []): AdapterExecutionContext {
  return {
    runId: "run-1",
    agent: { id: "agent-1", companyId: "company-1", name: "Agent", adapterType: "claude_k8s", adapterConfig: {} },
    runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
    config,
    context: {},
    onLog: async (_stream, chunk) => {
      logs.push(chunk);
    },
    authToken: "token",
  } as AdapterExecutionContext;
}

describe("execute()", () => {
  it("returns invalid_config naming the field, and creates nothing in the cluster", async () => {
    const { adapter, kubernetes } = adapterOnFakes();
    const result = await adapter.execute(context({ timeoutSec: "soon" }));
    expect(result.errorCode).toBe("invalid_config");
    expect(result.errorMessage).toContain('"timeoutSec"');
    expect(kubernetes.calls).toEqual([]);
  });

  it("refuses a Paperclip-reserved env key in config before anything runs", async () => {
    const { adapter, kubernetes } = adapterOnFakes();
    const result = await adapter.execute(context({ env: { PAPERCLIP_API_KEY: "stolen" } }));
    expect(result.errorCode).toBe("invalid_config");
    expect(kubernetes.calls).toEqual([]);
  });

  it("never throws to the host: an unexpected error becomes internal_error", async () => {
    const { adapter } = adapterOnFakes({
      bundles: {
        prepare: async () => {
          throw new Error("disk on fire");
        },
      },
    });
    const result = await adapter.execute(context({}));
    expect(result.errorCode).toBe("internal_error");
    expect(result.errorMessage).toContain("disk on fire");
  });
});

describe("the server adapter module", () => {
  it("declares the adapter type, session support and local agent JWTs", () => {
    const { adapter } = adapterOnFakes();
    expect(adapter.type).toBe("claude_k8s");
    expect(adapter.supportsLocalAgentJwt).toBe(true);
    expect(adapter.sessionManagement?.supportsSessionResume).toBe(true);
    const params = adapter.sessionCodec?.serialize({ sessionId: "3f1c2a4e-0000-4000-8000-000000000001", cwd: "/w" });
    expect(adapter.sessionCodec?.deserialize(params)).toMatchObject({
      sessionId: "3f1c2a4e-0000-4000-8000-000000000001",
      cwd: "/w",
    });
  });

  it("redacts secrets from the invocation it reports to the host", async () => {
    const { adapter, kubernetes } = adapterOnFakes();
    kubernetes.ownPod = {
      metadata: { name: "paperclip-0", namespace: "paperclip" },
      spec: {
        containers: [
          { name: "paperclip", image: "paperclip:1", volumeMounts: [{ name: "data", mountPath: "/paperclip" }] },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
      },
    };
    const metas: unknown[] = [];
    const ctx = context({
      paperclipApiUrl: "http://paperclip.paperclip.svc:3100",
      env: { ANTHROPIC_API_KEY: "sk-ant-api03-supersecret" },
      extraArgs: ["--api-key=sk-ant-api03-supersecret"],
      podStartTimeoutSec: 1,
    });
    ctx.onMeta = async (meta) => {
      metas.push(meta);
    };
    const controller = new AbortController();
    ctx.signal = controller.signal;
    const running = adapter.execute(ctx);
    for (let i = 0; i < 100 && metas.length === 0; i++) await new Promise((r) => setImmediate(r));
    controller.abort();
    const result = await running;
    expect(metas).toHaveLength(1);
    expect(JSON.stringify(metas)).not.toContain("supersecret");
    expect(JSON.stringify(metas)).not.toContain('"token"');
    expect(result.errorCode).toBe("cancelled");
  });
});
