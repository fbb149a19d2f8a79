import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatStreamLine } from "../../../src/cli/format-stream-line.js";

const line = (event: unknown) => JSON.stringify(event);
const ESC = "\u001b[";

describe("formatStreamLine", () => {
  it("renders init as one line with session, model and tool count", () => {
    expect(
      formatStreamLine(
        line({ type: "system", subtype: "init", session_id: "s-42", model: "claude-x", tools: ["A", "B"] }),
      ),
    ).toBe("● session s-42 · model claude-x · 2 tools");
  });

  it("prints assistant text as is and thinking with a marker", () => {
    const out = formatStreamLine(
      line({
        type: "assistant",
        message: {
          content: [
            { type: "thinking", thinking: "consider" },
            { type: "text", text: "Hello" },
          ],
        },
      }),
    );
    expect(out).toBe("✻ consider\nHello");
  });

  it("dims thinking when color is on", () => {
    const out = formatStreamLine(
      line({ type: "assistant", message: { content: [{ type: "thinking", thinking: "hmm" }] } }),
      { color: true },
    );
    expect(out).toBe(`${ESC}2m✻ hmm${ESC}22m`);
  });

  it("summarizes a tool_use by its most telling argument", () => {
    const out = formatStreamLine(
      line({
        type: "assistant",
        message: { content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls -la", timeout: 5 } }] },
      }),
    );
    expect(out).toBe("→ Tool(Bash) ls -la");
    const other = formatStreamLine(
      line({ type: "assistant", message: { content: [{ type: "tool_use", name: "Custom", input: { n: 1 } }] } }),
    );
    expect(other).toBe('→ Tool(Custom) {"n":1}');
  });

  it("renders a tool_result with its size and a truncated first-line preview", () => {
    const big = `${"a".repeat(500)}\nsecond line`;
    const out = formatStreamLine(
      line({ type: "user", message: { content: [{ type: "tool_result", tool_use_id: "t1", content: big }] } }),
    );
    expect(out).toBe(`← result (${big.length} chars) ${"a".repeat(160)}…`);
  });

  it("marks failed tool results as errors and joins block content", () => {
    const out = formatStreamLine(
      line({
        type: "user",
        message: {
          content: [{ type: "tool_result", is_error: true, content: [{ type: "text", text: "No such file" }] }],
        },
      }),
    );
    expect(out).toBe("← error (12 chars) No such file");
  });

  it("summarizes a successful result with turns, cost, tokens and duration", () => {
    const out = formatStreamLine(
      line({
        type: "result",
        subtype: "success",
        is_error: false,
        num_turns: 3,
        total_cost_usd: 0.04213,
        duration_ms: 12_345,
        usage: { input_tokens: 1234, output_tokens: 567, cache_read_input_tokens: 89 },
      }),
    );
    expect(out).toBe("✓ done · 3 turns · $0.0421 · 1,234 in / 567 out tokens (89 cached) · 12.3s");
  });

  it("reports an error result even when subtype says success, with the error text", () => {
    const out = formatStreamLine(
      line({ type: "result", subtype: "success", is_error: true, num_turns: 1, result: "Invalid API key" }),
    );
    expect(out).toBe("✗ error · 1 turn\nInvalid API key");
    expect(formatStreamLine(line({ type: "result", subtype: "error_max_turns", is_error: true }))).toBe(
      "✗ error_max_turns",
    );
  });

  it("calls a result naming neither subtype nor is_error a success, as the run's outcome does", () => {
    expect(formatStreamLine(line({ type: "result", result: "done" }))).toBe("✓ done");
  });

  it("under a failed result without text, prints claude's errors", () => {
    const out = formatStreamLine(
      line({
        type: "result",
        subtype: "error_during_execution",
        is_error: true,
        errors: ["No conversation found with session ID: s-1"],
      }),
    );
    expect(out).toBe("✗ error_during_execution\nNo conversation found with session ID: s-1");
  });

  it("counts tokens as the run reports them: every model's usage, cache writes as input", () => {
    const out = formatStreamLine(
      line({
        type: "result",
        subtype: "success",
        is_error: false,
        usage: { input_tokens: 17, output_tokens: 9 },
        modelUsage: {
          a: { inputTokens: 17, cacheCreationInputTokens: 100, cacheReadInputTokens: 5, outputTokens: 9 },
          b: { inputTokens: 3, outputTokens: 1, costUSD: 0.01 },
        },
      }),
    );
    expect(out).toBe("✓ done · $0.0100 · 120 in / 10 out tokens (5 cached)");
  });

  it("passes [claude-k8s] status lines, non-JSON and unknown event types through unchanged", () => {
    expect(formatStreamLine("[claude-k8s] Job created", { color: true })).toBe("[claude-k8s] Job created");
    expect(formatStreamLine("npm WARN something")).toBe("npm WARN something");
    expect(formatStreamLine('{"broken":')).toBe('{"broken":');
    const unknown = line({ type: "future_event", x: 1 });
    expect(formatStreamLine(unknown)).toBe(unknown);
  });

  it("suppresses empty lines and partial-message deltas", () => {
    expect(formatStreamLine("")).toBeNull();
    expect(
      formatStreamLine(line({ type: "stream_event", event: { delta: { type: "text_delta", text: "x" } } })),
    ).toBeNull();
  });

  it("emits no ANSI codes unless color is asked for", () => {
    const out = formatStreamLine(line({ type: "result", subtype: "success", is_error: false, num_turns: 2 }));
    expect(out).toBe("✓ done · 2 turns");
    expect(out).not.toContain(ESC);
  });
});

const REAL_CLI = fileURLToPath(new URL("../../fixtures/transcripts/real-cli/", import.meta.url));

describe("formatStreamLine on claude 2.1's events (recorded from the real CLI)", () => {
  const recorded = readdirSync(REAL_CLI).filter((name) => name.endsWith(".ndjson"));

  it.each(recorded)("formats every event of %s, none echoed as its raw JSON", (name) => {
    const lines = readFileSync(`${REAL_CLI}${name}`, "utf8")
      .split("\n")
      .filter((text) => text.trim() !== "");
    for (const text of lines) {
      const out = formatStreamLine(text);
      expect(out, text.slice(0, 80)).not.toBeNull();
      expect(out, text.slice(0, 80)).not.toBe(text);
    }
  });

  it("renders rate_limit_event, system/informational and a synthetic user message in words", () => {
    expect(
      formatStreamLine(
        line({
          type: "rate_limit_event",
          rate_limit_info: { status: "rejected", resetsAt: 1796090717, rateLimitType: "five_hour" },
        }),
      ),
    ).toBe("! Rate limit reached: the 5-hour session limit; resets 2026-12-01T02:05:17.000Z");
    expect(
      formatStreamLine(line({ type: "system", subtype: "informational", content: "Session completed successfully" })),
    ).toBe("· Session completed successfully");
    expect(
      formatStreamLine(
        line({ type: "user", isSynthetic: true, message: { content: [{ type: "text", text: "Retry." }] } }),
      ),
    ).toBe("Claude Code (not the user): Retry.");
    expect(formatStreamLine(line({ type: "keep_alive" }))).toBeNull();
  });
});
