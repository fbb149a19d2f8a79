import { describe, expect, it } from "vitest";
import { bedrockModels, listModels, models } from "../../../src/paperclip/models.js";

describe("models and listModels", () => {
  it("lists the direct Anthropic model ids when the server has no Bedrock settings", async () => {
    expect(await listModels({})).toEqual(models);
    expect(models.every((model) => model.id.startsWith("claude-"))).toBe(true);
  });

  it.each(["1", "true", "TRUE", "yes", "on"])("lists Bedrock ids when CLAUDE_CODE_USE_BEDROCK=%s", async (flag) => {
    expect(await listModels({ CLAUDE_CODE_USE_BEDROCK: flag })).toEqual(bedrockModels);
  });

  it.each(["", "0", "false", "no"])("keeps the direct list when CLAUDE_CODE_USE_BEDROCK=%j", async (flag) => {
    expect(await listModels({ CLAUDE_CODE_USE_BEDROCK: flag })).toEqual(models);
  });

  it("lists Bedrock ids when only ANTHROPIC_BEDROCK_BASE_URL is set", async () => {
    expect(await listModels({ ANTHROPIC_BEDROCK_BASE_URL: "https://bedrock.example" })).toEqual(bedrockModels);
  });

  it("uses region-qualified ids for Bedrock, and unique ids with labels in both lists", () => {
    expect(bedrockModels.every((model) => /^[a-z]{2}\.anthropic\.claude-/.test(model.id))).toBe(true);
    for (const list of [models, bedrockModels]) {
      expect(new Set(list.map((model) => model.id)).size).toBe(list.length);
      expect(list.every((model) => model.label.trim() !== "")).toBe(true);
    }
  });

  it("returns copies, so a caller editing the result cannot change the next answer", async () => {
    const first = await listModels({});
    first[0]!.id = "mutated";
    first.pop();
    expect(await listModels({})).toEqual(models);
    expect(models[0]?.id).not.toBe("mutated");
  });
});
