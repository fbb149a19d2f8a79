import { afterEach, describe, expect, it } from "vitest";
import {
  AnthropicApiDouble,
  apiErrors,
  byTurn,
  promptOf,
  reply,
  toolResultsOf,
  turnOf,
} from "../../support/anthropic-api-double/index.js";

let double: AnthropicApiDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

function post(url: string, body: unknown, path = "/v1/messages?beta=true"): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-test" },
    body: JSON.stringify(body),
  });
}

const userPrompt = (text: string) => ({
  role: "user",
  content: [
    { type: "text", text: "<system-reminder>\nCLI context\n</system-reminder>\n" },
    { type: "text", text },
  ],
});

function sseEvents(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n\n")
    .filter((chunk) => chunk.trim())
    .map((chunk) =>
      JSON.parse(
        chunk
          .split("\n")
          .find((line) => line.startsWith("data: "))!
          .slice(6),
      ),
    );
}

describe("AnthropicApiDouble", () => {
  it("streams a text answer as the API's SSE events and records the request", async () => {
    double = await AnthropicApiDouble.start({ responder: byTurn(reply.text("Hello.")) });
    const response = await post(double.url, { model: "claude-x", stream: true, messages: [userPrompt("Hi\n")] });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = sseEvents(await response.text());
    expect(events.map((event) => event.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[2]).toMatchObject({ delta: { type: "text_delta", text: "Hello." } });
    expect(events[4]).toMatchObject({ delta: { stop_reason: "end_turn" } });
    expect(double.messageCalls()).toHaveLength(1);
    expect(double.messageCalls()[0]!.headers["x-api-key"]).toBe("sk-test");
    expect(double.prompts()).toEqual([["Hi\n"]]);
  });

  it("answers a non-streaming request with one message body", async () => {
    double = await AnthropicApiDouble.start({ responder: byTurn(reply.text("Plain.")) });
    const response = await post(double.url, { model: "claude-x", messages: [userPrompt("Hi")] });
    expect(await response.json()).toMatchObject({
      type: "message",
      model: "claude-x",
      content: [{ type: "text", text: "Plain." }],
      stop_reason: "end_turn",
    });
  });

  it("answers by turn: a Bash call first, then text once the tool result is back", async () => {
    double = await AnthropicApiDouble.start({ responder: byTurn(reply.bash("echo hi"), reply.text("Done.")) });
    const first = await (await post(double.url, { messages: [userPrompt("Go")] })).json();
    expect(first).toMatchObject({
      stop_reason: "tool_use",
      content: [{ type: "tool_use", name: "Bash", input: { command: "echo hi" } }],
    });
    const toolUse = (first as { content: Array<{ id: string }> }).content[0]!;
    const followUp = {
      messages: [
        userPrompt("Go"),
        { role: "assistant", content: (first as { content: unknown }).content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "hi" }] },
      ],
    };
    expect(turnOf(followUp)).toBe(1);
    expect(toolResultsOf(followUp)).toEqual(["hi"]);
    expect(promptOf(followUp)).toEqual(["Go"]);
    expect(await (await post(double.url, followUp)).json()).toMatchObject({ content: [{ text: "Done." }] });
  });

  it("streams a large text answer in pieces that add up to it", async () => {
    const large = "y".repeat(100_000);
    double = await AnthropicApiDouble.start({ responder: byTurn(reply.text(large)) });
    const events = sseEvents(await (await post(double.url, { stream: true, messages: [userPrompt("x")] })).text());
    const deltas = events.filter((event) => event.type === "content_block_delta");
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => (event.delta as { text: string }).text).join("")).toBe(large);
  });

  it.each([
    ["401", apiErrors.invalidApiKey(), 401, "authentication_error"],
    ["403", apiErrors.forbidden(), 403, "permission_error"],
    ["404 model", apiErrors.modelNotFound("claude-nope"), 404, "not_found_error"],
    ["529", apiErrors.overloaded(), 529, "overloaded_error"],
    ["500", apiErrors.internal(), 500, "api_error"],
  ])("answers %s with the API's error body", async (_name, answer, status, type) => {
    double = await AnthropicApiDouble.start({ responder: byTurn(answer) });
    const response = await post(double.url, { stream: true, messages: [userPrompt("x")] });
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ type: "error", error: { type } });
  });

  it("answers a rate limit with retry-after and the rate-limit headers; a subscription limit with the unified ones", async () => {
    const resetAt = new Date("2030-01-01T03:00:00Z");
    double = await AnthropicApiDouble.start({
      responder: ({ index }) =>
        index === 0 ? apiErrors.rateLimited(resetAt, 30) : apiErrors.subscriptionLimitReached(resetAt),
    });
    const apiKey = await post(double.url, { messages: [userPrompt("x")] });
    expect(apiKey.status).toBe(429);
    expect(apiKey.headers.get("retry-after")).toBe("30");
    expect(apiKey.headers.get("anthropic-ratelimit-requests-reset")).toBe("2030-01-01T03:00:00.000Z");
    const subscription = await post(double.url, { messages: [userPrompt("x")] });
    expect(subscription.headers.get("anthropic-ratelimit-unified-status")).toBe("rejected");
    expect(subscription.headers.get("anthropic-ratelimit-unified-reset")).toBe(String(resetAt.getTime() / 1000));
  });

  it("ends a refused answer with stop_reason refusal", async () => {
    double = await AnthropicApiDouble.start({ responder: byTurn(reply.refusal("I")) });
    const events = sseEvents(await (await post(double.url, { stream: true, messages: [userPrompt("x")] })).text());
    expect(events.find((event) => event.type === "message_delta")).toMatchObject({ delta: { stop_reason: "refusal" } });
  });

  it("holds a stalled call open until the client gives up", async () => {
    double = await AnthropicApiDouble.start({ responder: byTurn(reply.stall()) });
    const abort = new AbortController();
    const pending = fetch(`${double.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ messages: [userPrompt("x")] }),
      signal: abort.signal,
    }).catch((error: Error) => error.name);
    await expect.poll(() => double!.stalledCalls).toBe(1);
    abort.abort();
    expect(await pending).toBe("AbortError");
    await expect.poll(() => double!.stalledCalls).toBe(0);
  });

  it("answers count_tokens, HEAD and model lookups; anything else is a 404 in the API's shape", async () => {
    double = await AnthropicApiDouble.start();
    expect(await (await post(double.url, { messages: [] }, "/v1/messages/count_tokens")).json()).toMatchObject({
      input_tokens: expect.any(Number),
    });
    expect((await fetch(double.url, { method: "HEAD" })).status).toBe(200);
    expect(await (await fetch(`${double.url}/v1/models/claude-x`)).json()).toMatchObject({ id: "claude-x" });
    const unknown = await fetch(`${double.url}/v1/files`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: "not_found_error" } });
    expect(double.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "POST /v1/messages/count_tokens",
      "HEAD /",
      "GET /v1/models/claude-x",
      "GET /v1/files",
    ]);
    expect(double.messageCalls()).toEqual([]);
  });

  it("names a prompt that arrives prefixed or split, so a comparison with the built prompt fails", () => {
    const prefixed = { messages: [userPrompt("-\nThe prompt.")] };
    expect(promptOf(prefixed)).not.toEqual(["The prompt."]);
    const split = {
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "-" },
            { type: "text", text: "The prompt." },
          ],
        },
      ],
    };
    expect(promptOf(split)).toEqual(["-", "The prompt."]);
  });
});
