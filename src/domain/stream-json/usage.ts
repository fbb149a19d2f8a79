/**
 * Token usage and cost from a stream-json result event: the totals of `modelUsage` (every model the
 * run used, including sub-agents) when present, else the top-level `usage`; cost from `total_cost_usd`.
 */
import { asRecord, countField, numberField, type JsonRecord } from "./json.js";

export interface TokenUsage {
  /** Fresh input tokens, including tokens written to the prompt cache (both are billed as input). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Tokens read from the prompt cache. */
  readonly cachedInputTokens: number;
}

export function usageFromResult(result: JsonRecord): TokenUsage | null {
  return usageFromModelUsage(asRecord(result.modelUsage)) ?? usageFromApiUsage(asRecord(result.usage));
}

/** The Anthropic API's snake_case `usage` object (result events and assistant messages). */
export function usageFromApiUsage(usage: JsonRecord | null): TokenUsage | null {
  if (usage === null) return null;
  return {
    inputTokens: countField(usage, "input_tokens") + countField(usage, "cache_creation_input_tokens"),
    outputTokens: countField(usage, "output_tokens"),
    cachedInputTokens: countField(usage, "cache_read_input_tokens"),
  };
}

function usageFromModelUsage(modelUsage: JsonRecord | null): TokenUsage | null {
  if (modelUsage === null) return null;
  let total: TokenUsage | null = null;
  for (const entry of Object.values(modelUsage)) {
    const perModel = asRecord(entry);
    if (perModel === null) continue;
    total = addUsage(total, {
      inputTokens: countField(perModel, "inputTokens") + countField(perModel, "cacheCreationInputTokens"),
      outputTokens: countField(perModel, "outputTokens"),
      cachedInputTokens: countField(perModel, "cacheReadInputTokens"),
    });
  }
  return total;
}

export function addUsage(a: TokenUsage | null, b: TokenUsage): TokenUsage {
  if (a === null) return b;
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
  };
}

/** `total_cost_usd`, else the sum of per-model `costUSD`, else null (unknown is not free). */
export function costFromResult(result: JsonRecord): number | null {
  const total = numberField(result, "total_cost_usd");
  if (total !== null && total >= 0) return total;
  const modelUsage = asRecord(result.modelUsage);
  if (modelUsage === null) return null;
  let sum: number | null = null;
  for (const entry of Object.values(modelUsage)) {
    const cost = numberField(asRecord(entry), "costUSD");
    if (cost !== null && cost >= 0) sum = (sum ?? 0) + cost;
  }
  return sum;
}
