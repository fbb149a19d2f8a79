/**
 * Who bills a run and how: Bedrock is metered by AWS, an API key is billed per token by Anthropic,
 * and a Claude login (subscription) is included in a plan. claude's own report of where its
 * credentials came from (`apiKeySource` in the init event) beats what the environment suggests.
 */
import type { StreamInit } from "../stream-json/events.js";

export interface BillingEnvironment {
  /** CLAUDE_CODE_USE_BEDROCK is on, or a Bedrock base URL is set, in the Job's environment. */
  readonly useBedrock: boolean;
  /** ANTHROPIC_API_KEY (or an auth token) reaches the Job. */
  readonly hasApiKey: boolean;
  /** Overrides the init event's apiKeySource when the caller knows better. */
  readonly apiKeySource?: string | null;
}

export type BillingType = "api" | "subscription" | "metered_api" | "unknown";

export interface Billing {
  readonly biller: string;
  readonly billingType: BillingType;
}

/** Claude Code reports "none" when it authenticates with a Claude login (OAuth) rather than a key. */
const LOGIN_KEY_SOURCE = "none";

export function resolveBilling(env: BillingEnvironment, init?: StreamInit | null): Billing {
  if (env.useBedrock) return { biller: "aws_bedrock", billingType: "metered_api" };
  const keySource = env.apiKeySource ?? init?.apiKeySource ?? null;
  if (keySource !== null) {
    return { biller: "anthropic", billingType: keySource === LOGIN_KEY_SOURCE ? "subscription" : "api" };
  }
  return { biller: "anthropic", billingType: env.hasApiKey ? "api" : "subscription" };
}

/** What the Job's env layers say: any of them can switch claude to Bedrock or hand it an API key. */
export function billingEnvironmentOf(
  ...layers: ReadonlyArray<Readonly<Record<string, string | undefined>>>
): BillingEnvironment {
  return {
    useBedrock: layers.some(
      (env) => /^(1|true)$/i.test(env.CLAUDE_CODE_USE_BEDROCK ?? "") || Boolean(env.ANTHROPIC_BEDROCK_BASE_URL),
    ),
    hasApiKey: layers.some((env) => Boolean(env.ANTHROPIC_API_KEY)),
  };
}
