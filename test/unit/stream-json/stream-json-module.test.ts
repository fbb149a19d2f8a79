import { describe, expect, it } from "vitest";
import { contentBlocks, readRateLimit, toolResultText } from "../../../src/domain/stream-json/events.js";
import { epochMs, parseJsonObject } from "../../../src/domain/stream-json/json.js";
import { resultErrors, resultIsError, resultMessage } from "../../../src/domain/stream-json/result.js";
import { costFromResult, usageFromResult } from "../../../src/domain/stream-json/usage.js";

describe("the result error rule", () => {
  it.each([
    [{ subtype: "success", is_error: false }, false],
    [{ subtype: "success", is_error: true }, true], // claude 2.1 on API errors: is_error wins
    [{ subtype: "error_during_execution", is_error: true }, true],
    [{ subtype: "error_during_execution" }, true], // no is_error: the subtype decides
    [{ result: "done" }, false], // neither: claude ended its loop and reported no error
    [{ subtype: "error_max_turns", is_error: false }, true],
    [{ subtype: "success", terminal_reason: "max_turns", is_error: false }, true],
    [{ subtype: "success", stop_reason: "refusal", is_error: false }, true],
    [{ subtype: "success", is_error: "true" }, false], // not a boolean: the subtype decides
  ])("%j failed: %s", (result, failed) => {
    expect(resultIsError(result)).toBe(failed);
  });

  it("gives the result's words: its text, then its errors (strings, messages, else their JSON)", () => {
    const result = { result: "", errors: ["No conversation found", { message: "boom" }, { code: 7 }, 3, ""] };
    expect(resultErrors(result)).toEqual(["No conversation found", "boom", '{"code":7}', "3"]);
    expect(resultMessage(result)).toBe('No conversation found\nboom\n{"code":7}\n3');
    expect(resultMessage({ result: "Invalid API key", errors: "not a list" })).toBe("Invalid API key");
  });
});

describe("usage and cost", () => {
  it("sums modelUsage over every model, cache writes counted as input, else the API usage", () => {
    const result = {
      usage: { input_tokens: 17, cache_creation_input_tokens: 6144, cache_read_input_tokens: 81920, output_tokens: 9 },
      modelUsage: {
        a: { inputTokens: 17, cacheCreationInputTokens: 6144, cacheReadInputTokens: 81920, outputTokens: 1450 },
        b: { inputTokens: 1200, outputTokens: 310, cacheReadInputTokens: -5 },
        c: null,
      },
    };
    expect(usageFromResult(result)).toEqual({ inputTokens: 7361, outputTokens: 1760, cachedInputTokens: 81920 });
    expect(usageFromResult({ ...result, modelUsage: {} })).toEqual({
      inputTokens: 6161,
      outputTokens: 9,
      cachedInputTokens: 81920,
    });
    expect(usageFromResult({ result: "done" })).toBeNull();
  });

  it("takes total_cost_usd, else the per-model costs, else unknown (never a made-up 0)", () => {
    expect(costFromResult({ total_cost_usd: 0.0421 })).toBe(0.0421);
    expect(costFromResult({ total_cost_usd: -1, modelUsage: { a: { costUSD: 0.25 }, b: { costUSD: 0.5 } } })).toBe(
      0.75,
    );
    expect(costFromResult({ result: "done" })).toBeNull();
  });
});

describe("content blocks and tool results", () => {
  it("narrows string and block-array content, skipping empty text and blocks no reader shows", () => {
    const event = {
      message: {
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "text", text: "" },
          { type: "text", text: "Reading." },
          { type: "tool_use", id: "tu_1", input: { file_path: "/a" } },
          { type: "tool_result", tool_use_id: "tu_1", content: [{ type: "text", text: "ok" }], is_error: "yes" },
          { type: "server_tool_use" },
          null,
          7,
        ],
      },
    };
    expect(contentBlocks(event)).toEqual([
      { type: "thinking", text: "hmm" },
      { type: "text", text: "Reading." },
      { type: "tool_use", id: "tu_1", name: "unknown", input: { file_path: "/a" } },
      { type: "tool_result", toolUseId: "tu_1", text: "ok", isError: false },
    ]);
    expect(contentBlocks({ message: { content: "hello" } })).toEqual([{ type: "text", text: "hello" }]);
    expect(contentBlocks({ message: null })).toEqual([]);
  });

  it("joins a tool result's texts, names images, and shows any other shape as JSON rather than hiding it", () => {
    expect(toolResultText("plain")).toBe("plain");
    expect(
      toolResultText([{ type: "text", text: "first" }, { type: "image", source: {} }, { type: "other" }, "x"]),
    ).toBe("first\n[image]");
    expect(toolResultText({ stdout: "hi" })).toBe('{"stdout":"hi"}');
    expect(toolResultText(null)).toBe("");
  });
});

describe("hostile values", () => {
  it("attack: an absurd or negative rate-limit reset time is read as no time, never as a Date that throws", () => {
    for (const resetsAt of [1e300, -5, 0, Number.MAX_VALUE]) {
      const info = readRateLimit({ rate_limit_info: { status: "rejected", resetsAt, rateLimitType: 5 } });
      expect(info).toEqual({ status: "rejected", resetsAtMs: null, limitType: "", utilization: null });
    }
    expect(epochMs(1796090717)).toBe(1796090717000);
    expect(epochMs(1796090717000)).toBe(1796090717000);
  });

  it("parses only JSON objects: arrays, scalars and broken lines are not events", () => {
    expect(parseJsonObject('{"type":"result"}')).toEqual({ type: "result" });
    for (const line of ["[1,2]", "7", '"x"', '{"broken":', "plain"]) expect(parseJsonObject(line)).toBeNull();
  });
});
