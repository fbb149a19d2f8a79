import { describe, expect, it } from "vitest";
import { evaluateLikeTheHost } from "./load-bundle.js";
import { bundleUnderTest, expectValidEntries, line, TS } from "./transcript-entries.js";

const under = bundleUnderTest();
const parse = (text: string) => under.parse(text);

describe("ui-parser bundle evaluated like the host (new Function, no require)", () => {
  it("is one self-contained CommonJS file that never calls require or import", () => {
    expect(under.bundle.source).not.toMatch(/\brequire\s*\(/);
    expect(under.bundle.source).not.toMatch(/^\s*import\s/m);
    expect(under.bundle.source).toContain("module.exports");
  });

  it("maps system/init to an init entry with model and session id", () => {
    const entries = parse(line({ type: "system", subtype: "init", session_id: "s-1", model: "claude-opus-4-1" }));
    expect(entries).toEqual([{ kind: "init", ts: TS, model: "claude-opus-4-1", sessionId: "s-1" }]);
  });

  it("maps other system subtypes to a system entry naming them", () => {
    expect(parse(line({ type: "system", subtype: "api_retry", attempt: 2, error_status: 529 }))).toEqual([
      { kind: "system", ts: TS, text: "API retry #2 after error 529" },
    ]);
    // claude 2.1's shape: the error kind, the retry budget and the delay.
    expect(
      parse(
        line({
          type: "system",
          subtype: "api_retry",
          attempt: 1,
          max_retries: 10,
          retry_delay_ms: 566.5,
          error_status: 401,
          error: "authentication_failed",
        }),
      ),
    ).toEqual([
      { kind: "system", ts: TS, text: "API retry #1 of 10 after error 401 (authentication_failed), next in 0.6 s" },
    ]);
    expect(parse(line({ type: "system", subtype: "compact_boundary" }))[0]).toMatchObject({ kind: "system" });
  });

  it("maps assistant text, thinking and tool_use blocks to assistant, thinking and tool_call entries in order", () => {
    const entries = parse(
      line({
        type: "assistant",
        message: {
          content: [
            { type: "thinking", thinking: "let me look" },
            { type: "text", text: "Reading the file." },
            { type: "tool_use", id: "tu_1", name: "Read", input: { file_path: "/a.ts" } },
          ],
        },
      }),
    );
    expect(entries).toEqual([
      { kind: "thinking", ts: TS, text: "let me look" },
      { kind: "assistant", ts: TS, text: "Reading the file." },
      { kind: "tool_call", ts: TS, name: "Read", input: { file_path: "/a.ts" }, toolUseId: "tu_1" },
    ]);
  });

  it("maps a tool_result with string content and names the tool that was called", () => {
    parse(
      line({ type: "assistant", message: { content: [{ type: "tool_use", id: "tu_9", name: "Bash", input: {} }] } }),
    );
    const entries = parse(
      line({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "tu_9", content: "ok\n" }] } }),
    );
    expect(entries).toEqual([
      { kind: "tool_result", ts: TS, toolUseId: "tu_9", toolName: "Bash", content: "ok\n", isError: false },
    ]);
  });

  it("joins the text of block-array tool results and keeps is_error", () => {
    const entries = parse(
      line({
        type: "user",
        message: {
          content: [
            {
              type: "tool_result",
              tool_use_id: "tu_2",
              is_error: true,
              content: [
                { type: "text", text: "first" },
                { type: "text", text: "second" },
              ],
            },
          ],
        },
      }),
    );
    expect(entries).toEqual([
      { kind: "tool_result", ts: TS, toolUseId: "tu_2", content: "first\nsecond", isError: true },
    ]);
  });

  it("maps result to a result entry with text, usage totals, cost, subtype and is_error", () => {
    const entries = parse(
      line({
        type: "result",
        subtype: "success",
        is_error: false,
        result: "Done.",
        total_cost_usd: 0.0421,
        usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 5 },
        modelUsage: {
          "claude-sonnet-4-6": { inputTokens: 100, outputTokens: 50, cacheReadInputTokens: 7 },
          "claude-haiku-4-5": { inputTokens: 3, outputTokens: 2, cacheReadInputTokens: 1 },
        },
      }),
    );
    expect(entries).toEqual([
      {
        kind: "result",
        ts: TS,
        text: "Done.",
        inputTokens: 103,
        outputTokens: 52,
        cachedTokens: 8,
        costUsd: 0.0421,
        subtype: "success",
        isError: false,
        errors: [],
      },
    ]);
  });

  it("counts prompt-cache writes as input tokens, as the run's usage does", () => {
    const [entry] = parse(
      line({
        type: "result",
        subtype: "success",
        is_error: false,
        usage: {
          input_tokens: 17,
          cache_creation_input_tokens: 6144,
          cache_read_input_tokens: 81920,
          output_tokens: 9,
        },
      }),
    );
    expect(entry).toMatchObject({ inputTokens: 6161, cachedTokens: 81920, outputTokens: 9 });
  });

  it("treats is_error as authoritative even when subtype says success", () => {
    const [entry] = parse(
      line({ type: "result", subtype: "success", is_error: true, result: "Invalid API key", usage: {} }),
    );
    expect(entry).toMatchObject({ kind: "result", isError: true, text: "Invalid API key", inputTokens: 0 });
  });

  it("shows [claude-k8s] status lines as system, and failure status lines as stderr", () => {
    expect(parse("[claude-k8s] pod claude-k8s-abc running on node-1")).toEqual([
      { kind: "system", ts: TS, text: "[claude-k8s] pod claude-k8s-abc running on node-1" },
    ]);
    expect(parse("[claude-k8s] error: k8s_image_pull_failed")[0]?.kind).toBe("stderr");
  });

  it("passes non-JSON and malformed JSON lines through as stdout, untouched", () => {
    expect(parse("plain shell output")).toEqual([{ kind: "stdout", ts: TS, text: "plain shell output" }]);
    const broken = '{"type":"assistant","message":{"content":[';
    expect(parse(broken)).toEqual([{ kind: "stdout", ts: TS, text: broken }]);
    expect(parse("[1,2,3]")).toEqual([{ kind: "stdout", ts: TS, text: "[1,2,3]" }]);
  });

  it("passes unknown JSON event types through as stdout with the raw line", () => {
    const raw = line({ type: "brand_new_event", data: 1 });
    expect(parse(raw)).toEqual([{ kind: "stdout", ts: TS, text: raw }]);
  });

  it("never throws on hostile shapes and returns only valid entries", () => {
    const inputs = [
      line({ type: "assistant" }),
      line({ type: "assistant", message: { content: [null, 1, { type: "tool_use" }] } }),
      line({ type: "user", message: { content: "hello" } }),
      line({ type: "result", usage: null, modelUsage: { m: null }, errors: [{ message: "boom" }, "x"] }),
      line({ type: "system" }),
      line({ type: "stream_event", event: { delta: { type: "text_delta", text: "par" } } }),
      "",
      "   ",
    ];
    for (const input of inputs) {
      const entries = parse(input);
      expectValidEntries(entries);
    }
    expect(parse(line({ type: "result", errors: [{ message: "boom" }, "x"] }))[0]).toMatchObject({
      errors: ["boom", "x"],
      isError: false,
    });
    expect(parse("")).toEqual([]);
  });

  it("maps a 5 MB tool_result line whole, without truncating it", () => {
    const big = "x".repeat(5 * 1024 * 1024);
    const entries = parse(
      line({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "tu_big", content: big }] } }),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: "tool_result", toolUseId: "tu_big", isError: false });
    expect((entries[0] as { content: string }).content.length).toBe(big.length);
  });

  it("produces only valid transcript entries for every kind it emits", () => {
    const all = [
      line({ type: "system", subtype: "init", session_id: "s", model: "m" }),
      line({ type: "assistant", message: { content: [{ type: "text", text: "t" }] } }),
      line({ type: "result", subtype: "error_max_turns", is_error: true }),
      "[claude-k8s] error: failed",
      "[claude-k8s] ok",
      "raw",
    ].flatMap(parse);
    expect(new Set(all.map((entry) => entry.kind))).toEqual(
      new Set(["init", "assistant", "result", "stderr", "system", "stdout"]),
    );
    expectValidEntries(all);
  });
});

describe("the host-style loader itself", () => {
  it("rejects a bundle that needs require, as the browser worker would", () => {
    const needsRequire = 'const fs = require("node:fs"); module.exports = { parseStdoutLine: () => [] };';
    expect(() => evaluateLikeTheHost(needsRequire)).toThrow(/require is not defined/);
  });
});
