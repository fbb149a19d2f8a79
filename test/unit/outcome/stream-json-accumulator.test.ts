import { describe, expect, it } from "vitest";
import { emptyStreamSummary, StreamJsonAccumulator } from "../../../src/domain/outcome/stream-json-accumulator.js";
import { readTranscript, summarize } from "./transcript-fixtures.js";

const assistantLine = (id: string, text: string) =>
  JSON.stringify({
    type: "assistant",
    session_id: "s-1",
    message: {
      id,
      model: "claude-sonnet-4-5",
      content: [{ type: "text", text }],
      usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 100, cache_creation_input_tokens: 1 },
    },
  });

describe("StreamJsonAccumulator", () => {
  it("keeps the init event, the last session id and the last result", () => {
    const accumulator = new StreamJsonAccumulator();
    accumulator.push(
      '{"type":"system","subtype":"init","session_id":"s-1","model":"m-1","cwd":"/w","apiKeySource":"none"}\n',
    );
    accumulator.push('{"type":"result","subtype":"success","is_error":true,"result":"first","session_id":"s-1"}\n');
    accumulator.push('{"type":"result","subtype":"success","is_error":false,"result":"second","session_id":"s-2"}\n');

    const summary = accumulator.summary;
    expect(summary.init).toEqual({ sessionId: "s-1", model: "m-1", cwd: "/w", apiKeySource: "none" });
    expect(summary.sessionId).toBe("s-2");
    expect(summary.result?.result).toBe("second");
    expect(summary.lineCount).toBe(3);
  });

  it("tolerates non-JSON, non-object and blank lines, and CRLF endings, keeping non-JSON text as error text", () => {
    const summary = summarize("noisy-utf8");

    expect(summary.result?.result).toBe("Résumé: naïve café — 日本語のテキスト 🚀");
    expect(summary.assistantTextTail).toBe("Résumé: naïve café — 日本語のテキスト 🚀");
    expect(summary.errorTextTail).toContain("npm warn config production");
    expect(summary.errorTextTail).toContain("not json at all { really");
    expect(summary.errorTextTail).toContain("[1, 2, 3]");
    expect(summary.lineCount).toBe(6);
    expect(summary.eventCount).toBe(3);

    const crlf = new StreamJsonAccumulator();
    crlf.push('{"type":"result","subtype":"success","is_error":false,"result":"ok"}\r\n');
    expect(crlf.summary.result?.result).toBe("ok");
  });

  it("counts each API message's usage once although it arrives once per content block", () => {
    const accumulator = new StreamJsonAccumulator();
    accumulator.push(assistantLine("msg_1", "a"));
    accumulator.push(assistantLine("msg_1", "b"));
    accumulator.push(assistantLine("msg_2", "c"));

    expect(accumulator.summary.assistantUsage).toEqual({ inputTokens: 22, outputTokens: 10, cachedInputTokens: 200 });
    expect(accumulator.summary.assistantTextTail).toBe("a\n\nb\n\nc");
  });

  it("stays bounded over 10,000 lines and a 5 MB line", () => {
    const accumulator = new StreamJsonAccumulator({ summaryChars: 4096 });
    for (let i = 0; i < 10_000; i++) accumulator.push(assistantLine(`msg_${i}`, `step ${i} `.repeat(20)));
    const huge = "x".repeat(5 * 1024 * 1024);
    accumulator.push(assistantLine("msg_big", huge));
    accumulator.push(`{"type":"user","message":{"content":[{"type":"tool_result","content":"${huge}"}]}}`);
    accumulator.push(`not json ${huge}`);

    const summary = accumulator.summary;
    expect(summary.lineCount).toBe(10_003);
    expect(summary.assistantTextTail.length).toBeLessThanOrEqual(4096);
    expect(summary.assistantTextTail.endsWith("xxxx")).toBe(true);
    expect(summary.errorTextTail.length).toBeLessThanOrEqual(8 * 1024);
    expect(summary.assistantUsage?.outputTokens).toBe(5 * 10_001);
  });

  it("cuts the large fields of an oversized result event and names them", () => {
    const accumulator = new StreamJsonAccumulator({ resultChars: 1000 });
    accumulator.push(
      JSON.stringify({
        type: "result",
        subtype: "success",
        is_error: false,
        result: "r".repeat(5000),
        permission_denials: Array.from({ length: 100 }, (_, i) => ({
          tool_name: "Bash",
          tool_input: { command: `rm ${i}` },
        })),
        total_cost_usd: 0.5,
      }),
    );

    const result = accumulator.summary.result;
    expect(String(result?.result).length).toBeLessThan(400);
    expect(result?.permission_denials).toEqual([]);
    expect(result?.total_cost_usd).toBe(0.5);
    expect(result?.paperclipTruncatedFields).toEqual(["result", "permission_denials"]);
  });

  it("records api_retry errors, synthetic error messages and rejected rate limits as error text", () => {
    const accumulator = new StreamJsonAccumulator();
    accumulator.push(
      '{"type":"system","subtype":"api_retry","attempt":2,"error_status":529,"error":{"type":"overloaded_error","message":"Overloaded"}}',
    );
    accumulator.push(
      '{"type":"assistant","error":"authentication_failed","message":{"id":"x","model":"<synthetic>","content":[{"type":"text","text":"Invalid API key"}]}}',
    );
    accumulator.push(
      '{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1764007200,"rateLimitType":"five_hour"}}',
    );

    const summary = accumulator.summary;
    expect(summary.errorTextTail).toContain("api_retry attempt=2 error_status=529: overloaded_error Overloaded");
    expect(summary.errorTextTail).toContain("assistant error authentication_failed: Invalid API key");
    expect(summary.errorTextTail).toContain("rate limit rejected (five_hour), resets at 2025-11-24T18:00:00.000Z");
    expect(summary.rateLimit).toEqual({ status: "rejected", resetsAtMs: 1764007200000, limitType: "five_hour" });
    expect(summary.assistantTextTail).toBe("");
    expect(summary.model).toBeNull();
  });

  it("reads a whole fixture whether or not the last line ends with a newline", () => {
    const text = readTranscript("success").trimEnd();
    const accumulator = new StreamJsonAccumulator();
    for (const line of text.split("\n")) accumulator.push(line);

    expect(accumulator.summary.result?.subtype).toBe("success");
  });

  it("never reads a line the tailer cut at maxLineBytes as an event, and says so in the error text", () => {
    const accumulator = new StreamJsonAccumulator();
    accumulator.push('{"type":"system","subtype":"init","session_id":"s-1"}');
    accumulator.pushCut(1024);
    const summary = accumulator.summary;

    expect(summary.result).toBeNull();
    expect(summary).toMatchObject({ lineCount: 2, eventCount: 1, cutLineCount: 1, sessionId: "s-1" });
    expect(summary.errorTextTail).toBe(
      "stdout line longer than maxLineBytes (1024 bytes) was cut and not read as an event\n",
    );
  });

  it("attack: a rejected rate-limit notice with an absurd reset time is kept without a time, never thrown", () => {
    const accumulator = new StreamJsonAccumulator();
    accumulator.push('{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1e300}}');
    accumulator.push('{"type":"result","subtype":"success","is_error":true,"result":"limit"}');

    expect(accumulator.summary.rateLimit).toEqual({ status: "rejected", resetsAtMs: null, limitType: null });
    expect(accumulator.summary.errorTextTail).toBe("rate limit rejected (unknown limit)\n");
    expect(accumulator.summary.result?.result).toBe("limit");
  });

  it("an empty summary has seen nothing", () => {
    expect(emptyStreamSummary()).toMatchObject({ sawAnyLine: false, lineCount: 0, init: null, result: null });
  });
});
