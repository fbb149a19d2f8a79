import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateLikeTheHost, loadBundle, type LoadedBundle } from "./load-bundle.js";

const TS = "2026-11-24T20:00:00.000Z";
let bundle: LoadedBundle;
const parse = (line: string) => bundle.parseStdoutLine(line, TS);
const line = (event: unknown) => JSON.stringify(event);

beforeAll(async () => {
  bundle = await loadBundle();
});

/** The fields each transcript kind requires (from adapter-utils' TranscriptEntry union). */
const REQUIRED: Record<string, Record<string, string>> = {
  init: { ts: "string", model: "string", sessionId: "string" },
  assistant: { ts: "string", text: "string" },
  thinking: { ts: "string", text: "string" },
  user: { ts: "string", text: "string" },
  tool_call: { ts: "string", name: "string" },
  tool_result: { ts: "string", toolUseId: "string", content: "string", isError: "boolean" },
  result: {
    ts: "string",
    text: "string",
    inputTokens: "number",
    outputTokens: "number",
    cachedTokens: "number",
    costUsd: "number",
    subtype: "string",
    isError: "boolean",
  },
  stderr: { ts: "string", text: "string" },
  system: { ts: "string", text: "string" },
  stdout: { ts: "string", text: "string" },
};

function expectValidEntries(entries: unknown[]): void {
  for (const entry of entries) {
    const record = entry as Record<string, unknown>;
    const required = REQUIRED[String(record.kind)];
    expect(required, `unknown kind ${String(record.kind)}`).toBeDefined();
    for (const [field, type] of Object.entries(required ?? {})) expect(typeof record[field], field).toBe(type);
    if (record.kind === "result") expect(Array.isArray(record.errors)).toBe(true);
  }
}

describe("ui-parser bundle evaluated like the host (new Function, no require)", () => {
  it("is one self-contained CommonJS file that never calls require or import", () => {
    expect(bundle.source).not.toMatch(/\brequire\s*\(/);
    expect(bundle.source).not.toMatch(/^\s*import\s/m);
    expect(bundle.source).toContain("module.exports");
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

const REAL_CLI = fileURLToPath(new URL("../../fixtures/transcripts/real-cli/", import.meta.url));

describe("ui-parser on claude 2.1's events (recorded from the real CLI)", () => {
  const recorded = readdirSync(REAL_CLI).filter((name) => name.endsWith(".ndjson"));

  it.each(recorded)("renders every event of %s, none as its raw JSON line", (name) => {
    const lines = readFileSync(`${REAL_CLI}${name}`, "utf8")
      .split("\n")
      .filter((text) => text.trim() !== "");
    expect(lines.length).toBeGreaterThan(0);
    for (const text of lines) {
      const entries = parse(text);
      expectValidEntries(entries);
      expect(entries.length, text.slice(0, 80)).toBeGreaterThan(0);
      expect(
        entries.filter((entry) => entry.kind === "stdout"),
        text.slice(0, 80),
      ).toEqual([]);
    }
  });

  it("shows a rejected rate_limit_event as an error naming the limit and its reset, not as JSON", () => {
    const rejected = line({
      type: "rate_limit_event",
      rate_limit_info: { status: "rejected", resetsAt: 1796090717, rateLimitType: "five_hour", isUsingOverage: false },
      uuid: "u",
      session_id: "s",
    });
    expect(parse(rejected)).toEqual([
      { kind: "stderr", ts: TS, text: "Rate limit reached: the 5-hour session limit; resets 2026-12-01T02:05:17.000Z" },
    ]);
  });

  it("shows an allowed_warning rate_limit_event with how much of the limit is used", () => {
    const warning = line({
      type: "rate_limit_event",
      rate_limit_info: {
        status: "allowed_warning",
        resetsAt: 1796349926,
        rateLimitType: "seven_day",
        utilization: 0.93,
      },
    });
    expect(parse(warning)).toEqual([
      {
        kind: "system",
        ts: TS,
        text: "Rate limit warning: 93% of the weekly limit used; resets 2026-12-04T02:05:26.000Z",
      },
    ]);
  });

  it("shows system/informational text instead of dropping it", () => {
    const notice = line({ type: "system", subtype: "informational", content: "Conversation compacted", level: "info" });
    expect(parse(notice)).toEqual([{ kind: "system", ts: TS, text: "Conversation compacted" }]);
  });

  it("labels a message claude made up itself (isSynthetic) as claude's, never as the user's", () => {
    const synthetic = line({
      type: "user",
      message: { role: "user", content: [{ type: "text", text: "Continue from where the refused answer stopped." }] },
      isSynthetic: true,
      session_id: "s",
    });
    const entries = parse(synthetic);
    expect(entries.map((entry) => entry.kind)).toEqual(["system"]);
    expect(entries[0]).toMatchObject({
      text: "Claude Code (not the user): Continue from where the refused answer stopped.",
    });
    expect(parse(line({ type: "user", message: { content: "real words" } }))[0]).toMatchObject({ kind: "user" });
  });

  it("shows claude's recorded refusal-retry message as Claude Code's, never as the user's", () => {
    const lines = readFileSync(`${REAL_CLI}refusal.ndjson`, "utf8")
      .split("\n")
      .filter((text) => text.trim() !== "");
    const entries = lines.flatMap(parse);
    expect(entries.filter((entry) => entry.kind === "user")).toEqual([]);
    expect(entries).toContainEqual(
      expect.objectContaining({
        kind: "system",
        text: expect.stringContaining("Claude Code (not the user): Your response above was stopped"),
      }),
    );
  });

  it("names a refusal with no fallback model, tool progress, and hides keep-alives", () => {
    expect(
      parse(
        line({ type: "system", subtype: "model_refusal_no_fallback", original_model: "claude-opus-4-8", content: "" }),
      ),
    ).toEqual([
      { kind: "system", ts: TS, text: "claude-opus-4-8 refused the request; no fallback model is configured" },
    ]);
    expect(parse(line({ type: "tool_progress", tool_name: "Bash", elapsed_time_seconds: 12.4 }))).toEqual([
      { kind: "system", ts: TS, text: "Bash running for 12 s" },
    ]);
    expect(parse(line({ type: "keep_alive" }))).toEqual([]);
  });

  it("attack: a system event whose text starts like a [claude-k8s] status line cannot pass for one", () => {
    const spoofs = [
      line({ type: "system", subtype: "informational", content: "[claude-k8s] error: Job deleted by the operator" }),
      line({ type: "system", subtype: "notification", text: " [claude-k8s] cleaned up" }),
      line({ type: "tool_use_summary", summary: "[claude-k8s] run succeeded" }),
    ];
    for (const spoof of spoofs) {
      const entries = parse(spoof);
      expect(entries).toHaveLength(1);
      expect((entries[0] as { text: string }).text).not.toMatch(/^\s*\[claude-k8s\]/);
    }
    expect((parse(spoofs[0]!)[0] as { text: string }).text).toBe("(claude-k8s) error: Job deleted by the operator");
  });

  it("never throws on hostile rate-limit and system shapes", () => {
    const hostile = [
      line({ type: "rate_limit_event" }),
      line({ type: "rate_limit_event", rate_limit_info: { status: 5, resetsAt: 1e300, utilization: "x" } }),
      line({ type: "system", subtype: "api_error", error: null }),
      line({ type: "system", subtype: "informational", content: 7 }),
      line({ type: "user", isSynthetic: true, message: { content: [null, { type: "text" }] } }),
      line({ type: "auth_status", output: [1, null] }),
    ];
    for (const input of hostile) expectValidEntries(parse(input));
  });
});

describe("the host-style loader itself", () => {
  it("rejects a bundle that needs require, as the browser worker would", () => {
    const needsRequire = 'const fs = require("node:fs"); module.exports = { parseStdoutLine: () => [] };';
    expect(() => evaluateLikeTheHost(needsRequire)).toThrow(/require is not defined/);
  });
});
