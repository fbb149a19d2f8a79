import { describe, expect, it } from "vitest";
import { resolveBilling } from "../../../src/domain/outcome/billing.js";

const init = (apiKeySource: string | null) => ({ sessionId: "s", model: "m", cwd: "/w", apiKeySource });

describe("resolveBilling", () => {
  it("Bedrock is metered by AWS whatever key claude reports", () => {
    expect(resolveBilling({ useBedrock: true, hasApiKey: true }, init("ANTHROPIC_API_KEY"))).toEqual({
      biller: "aws_bedrock",
      billingType: "metered_api",
    });
  });

  it("claude's apiKeySource beats the environment guess", () => {
    expect(resolveBilling({ useBedrock: false, hasApiKey: true }, init("none")).billingType).toBe("subscription");
    expect(resolveBilling({ useBedrock: false, hasApiKey: false }, init("apiKeyHelper")).billingType).toBe("api");
  });

  it("without an init event, an API key means per-token API billing and none means a subscription login", () => {
    expect(resolveBilling({ useBedrock: false, hasApiKey: true })).toEqual({ biller: "anthropic", billingType: "api" });
    expect(resolveBilling({ useBedrock: false, hasApiKey: false }, null)).toEqual({
      biller: "anthropic",
      billingType: "subscription",
    });
  });

  it("an explicit apiKeySource in the environment overrides the init event", () => {
    expect(
      resolveBilling({ useBedrock: false, hasApiKey: false, apiKeySource: "ANTHROPIC_API_KEY" }, init("none"))
        .billingType,
    ).toBe("api");
  });
});
