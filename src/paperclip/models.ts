/**
 * The Claude models offered in Paperclip's model picker. One list per provider: the direct
 * Anthropic API ids, and the region-qualified Bedrock inference-profile ids (Bedrock rejects the
 * plain ids). `listModels` picks by the server process's own Bedrock settings, because the Job
 * inherits the server's provider environment.
 */
import type { AdapterModel } from "@paperclipai/adapter-utils";

export const models: AdapterModel[] = [
  { id: "claude-opus-5", label: "Claude Opus 5" },
  { id: "claude-sonnet-5", label: "Claude Sonnet 5" },
  { id: "claude-opus-4-8", label: "Claude Opus 4.8" },
  { id: "claude-opus-4-7", label: "Claude Opus 4.7" },
  { id: "claude-opus-4-6", label: "Claude Opus 4.6" },
  { id: "claude-sonnet-4-6", label: "Claude Sonnet 4.6" },
  { id: "claude-sonnet-4-5", label: "Claude Sonnet 4.5" },
  { id: "claude-haiku-4-5", label: "Claude Haiku 4.5" },
];

export const bedrockModels: AdapterModel[] = [
  { id: "us.anthropic.claude-opus-4-8-v1", label: "Claude Opus 4.8 (Bedrock)" },
  { id: "us.anthropic.claude-opus-4-6-v1", label: "Claude Opus 4.6 (Bedrock)" },
  { id: "us.anthropic.claude-sonnet-4-5-20250929-v2:0", label: "Claude Sonnet 4.5 (Bedrock)" },
  { id: "us.anthropic.claude-haiku-4-5-20251001-v1:0", label: "Claude Haiku 4.5 (Bedrock)" },
];

type Env = Readonly<Record<string, string | undefined>>;

const TRUTHY = new Set(["1", "true", "yes", "on"]);

/** Claude Code's own switch, or a Bedrock base URL (which Claude Code also honours). */
export function usesBedrock(env: Env): boolean {
  const flag = (env.CLAUDE_CODE_USE_BEDROCK ?? "").trim().toLowerCase();
  return TRUTHY.has(flag) || (env.ANTHROPIC_BEDROCK_BASE_URL ?? "").trim() !== "";
}

export async function listModels(env: Env = process.env): Promise<AdapterModel[]> {
  // Copies, so a caller that sorts or edits the list cannot change ours.
  return (usesBedrock(env) ? bedrockModels : models).map((model) => ({ ...model }));
}
