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
