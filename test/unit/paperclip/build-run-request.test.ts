import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import { describe, expect, it } from "vitest";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import { buildRunRequest } from "../../../src/paperclip/build-run-request.js";

const ctx = {
  runId: "run-1",
  agent: { id: "agent-1", companyId: "company-1", name: "Agent", adapterType: "claude_k8s", adapterConfig: {} },
  runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
  config: {},
  context: {},
  onLog: async () => {},
} as unknown as AdapterExecutionContext;

function billingFor(hostEnv: NodeJS.ProcessEnv, agentEnv: Record<string, string>) {
  const config = { ...defaultAdapterConfig(), env: agentEnv };
  const bundle = { appendSystemPromptFile: null, addDirs: [] };
  return buildRunRequest(ctx, config, { env: hostEnv, bundle, runLogRoot: "/paperclip/run-logs" }).request.billingEnv;
}

describe("the billing the run's environment implies", () => {
  it("is Bedrock when the server or the agent's own env switches claude to Bedrock", () => {
    expect(billingFor({ CLAUDE_CODE_USE_BEDROCK: "1" }, {}).useBedrock).toBe(true);
    expect(billingFor({}, { CLAUDE_CODE_USE_BEDROCK: "true" }).useBedrock).toBe(true);
    expect(billingFor({}, { ANTHROPIC_BEDROCK_BASE_URL: "https://bedrock.example" }).useBedrock).toBe(true);
    expect(billingFor({}, {}).useBedrock).toBe(false);
  });

  it("knows of an API key from the server's env or the agent's", () => {
    expect(billingFor({ ANTHROPIC_API_KEY: "k" }, {}).hasApiKey).toBe(true);
    expect(billingFor({}, { ANTHROPIC_API_KEY: "k" }).hasApiKey).toBe(true);
    expect(billingFor({}, {}).hasApiKey).toBe(false);
  });
});

describe("the run request Paperclip's context maps to", () => {
  const built = () => {
    const config = defaultAdapterConfig();
    const bundle = { appendSystemPromptFile: null, addDirs: [] };
    const context = { ...ctx, authToken: "run-token", context: { taskId: "task-7", wakeReason: "assigned" } };
    return buildRunRequest(context as AdapterExecutionContext, config, {
      env: {},
      bundle,
      runLogRoot: "/paperclip/run-logs",
    }).request;
  };

  it("names the company as the run's tenant and the run token as its API token", () => {
    const request = built();
    expect(request.tenantId).toBe("company-1");
    expect(request.apiToken).toBe("run-token");
    expect(request.requiresApiUrl).toBe(true);
  });

  it("carries Paperclip's run env and the context's vars in one env, with no token in it", () => {
    const { env } = built();
    expect(env).toMatchObject({
      PAPERCLIP_AGENT_ID: "agent-1",
      PAPERCLIP_COMPANY_ID: "company-1",
      PAPERCLIP_RUN_ID: "run-1",
      PAPERCLIP_TASK_ID: "task-7",
      PAPERCLIP_WAKE_REASON: "assigned",
    });
    expect(env).not.toHaveProperty("PAPERCLIP_API_KEY");
  });

  it("offers Paperclip's own API URL as the local one, for a pod on this machine only", () => {
    const request = built();
    expect(request.localApiUrl).toBe(request.env.PAPERCLIP_API_URL);
    expect(request.localApiUrl).toMatch(/^http:\/\//);
  });
});
