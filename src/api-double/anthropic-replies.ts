/**
 * What the Anthropic Messages API double answers, and how each answer goes on the wire: a
 * streamed (SSE) message or one JSON body, as the request's `stream` flag asks; an error with the
 * API's own body shape and headers; or no answer at all (a stall, held until the client gives up).
 */

/** One content block of a scripted assistant message. */
export type ReplyBlock =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "tool_use"; readonly name: string; readonly input: Readonly<Record<string, unknown>> };

export interface MessageReply {
  readonly kind: "message";
  readonly content: readonly ReplyBlock[];
  /** Default: "tool_use" when a block is a tool call, else "end_turn". */
  readonly stopReason?: "end_turn" | "tool_use" | "max_tokens" | "refusal";
  readonly usage?: { readonly inputTokens: number; readonly outputTokens: number };
  /** Extra response headers (e.g. the unified rate-limit headers a subscription account gets). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ErrorReply {
  readonly kind: "error";
  readonly status: number;
  /** The API's error type: authentication_error, permission_error, not_found_error, ... */
  readonly errorType: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Never answers: the request is held open until the client closes it or the double closes. */
export interface StallReply {
  readonly kind: "stall";
}

export type Reply = MessageReply | ErrorReply | StallReply;

/** Scripting helpers, so a test reads as what the model does. */
export const reply = {
  text(text: string, options: Omit<MessageReply, "kind" | "content"> = {}): MessageReply {
    return { kind: "message", content: [{ type: "text", text }], ...options };
  },
  /** A Bash tool call; the CLI runs `command` for real and sends its output back. */
  bash(command: string, preamble?: string): MessageReply {
    const content: ReplyBlock[] = preamble ? [{ type: "text", text: preamble }] : [];
    content.push({ type: "tool_use", name: "Bash", input: { command, description: "Run a command" } });
    return { kind: "message", content };
  },
  /** The model declines: stop_reason "refusal" after the text so far. */
  refusal(partialText = ""): MessageReply {
    return {
      kind: "message",
      content: partialText ? [{ type: "text", text: partialText }] : [],
      stopReason: "refusal",
    };
  },
  error(status: number, errorType: string, message: string, headers: Record<string, string> = {}): ErrorReply {
    return { kind: "error", status, errorType, message, headers };
  },
  stall(): StallReply {
    return { kind: "stall" };
  },
} as const;

/** The standard error replies, with the API's own messages and headers. */
export const apiErrors = {
  invalidApiKey: () => reply.error(401, "authentication_error", "invalid x-api-key"),
  forbidden: () => reply.error(403, "permission_error", "Your API key does not have permission to use this resource."),
  modelNotFound: (model: string) => reply.error(404, "not_found_error", `model: ${model}`),
  /** An API-key account over its request rate: the standard rate-limit headers and retry-after. */
  rateLimited: (resetAt: Date, retryAfterSeconds = 60) =>
    reply.error(429, "rate_limit_error", "This request would exceed the rate limit for your organization.", {
      "retry-after": String(retryAfterSeconds),
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": resetAt.toISOString(),
      "anthropic-ratelimit-tokens-limit": "40000",
      "anthropic-ratelimit-tokens-remaining": "0",
      "anthropic-ratelimit-tokens-reset": resetAt.toISOString(),
    }),
  /** A subscription (OAuth) account at its five-hour limit: the unified rate-limit headers. */
  subscriptionLimitReached: (resetAt: Date) =>
    reply.error(429, "rate_limit_error", "Rate limited", unifiedRejectedHeaders(resetAt)),
  overloaded: () => reply.error(529, "overloaded_error", "Overloaded"),
  internal: () => reply.error(500, "api_error", "Internal server error"),
} as const;

export function unifiedRejectedHeaders(resetAt: Date): Record<string, string> {
  const reset = String(Math.floor(resetAt.getTime() / 1000));
  return {
    "anthropic-ratelimit-unified-status": "rejected",
    "anthropic-ratelimit-unified-reset": reset,
    "anthropic-ratelimit-unified-representative-claim": "five_hour",
    "anthropic-ratelimit-unified-5h-status": "rejected",
    "anthropic-ratelimit-unified-5h-reset": reset,
    "anthropic-ratelimit-unified-5h-utilization": "1.0",
    "anthropic-ratelimit-unified-fallback": "unavailable",
    "anthropic-ratelimit-unified-overage-status": "rejected",
    "anthropic-ratelimit-unified-overage-disabled-reason": "org_level_disabled",
  };
}

/** A reply's body on the wire, with its status and headers. */
export interface WireAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** SSE events (streamed in order) or a single body. */
  readonly body: { readonly events: readonly string[] } | { readonly json: string };
}

/** Text deltas are cut into pieces of this many characters, as the API streams them. */
const DELTA_CHARS = 16_384;

export function encodeReply(
  answer: MessageReply | ErrorReply,
  context: { readonly model: string; readonly stream: boolean; readonly messageId: string; readonly requestId: string },
): WireAnswer {
  const base = { "request-id": context.requestId, ...(answer.headers ?? {}) };
  if (answer.kind === "error") {
    return {
      status: answer.status,
      headers: { ...base, "content-type": "application/json", "x-should-retry": String(answer.status >= 429) },
      body: {
        json: JSON.stringify({
          type: "error",
          error: { type: answer.errorType, message: answer.message },
          request_id: context.requestId,
        }),
      },
    };
  }
  const blocks = answer.content.map((block, index) =>
    block.type === "text"
      ? { type: "text" as const, text: block.text }
      : {
          type: "tool_use" as const,
          id: `toolu_${context.messageId.slice(4)}_${index}`,
          name: block.name,
          input: block.input,
        },
  );
  const stopReason = answer.stopReason ?? (blocks.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn");
  const usage = {
    input_tokens: answer.usage?.inputTokens ?? 25,
    output_tokens: answer.usage?.outputTokens ?? 10,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const message = {
    id: context.messageId,
    type: "message",
    role: "assistant",
    model: context.model,
    content: blocks,
    stop_reason: stopReason,
    stop_sequence: null,
    usage,
  };
  if (!context.stream) {
    return {
      status: 200,
      headers: { ...base, "content-type": "application/json" },
      body: { json: JSON.stringify(message) },
    };
  }
  const events: string[] = [];
  const event = (type: string, data: Record<string, unknown>) =>
    events.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  event("message_start", {
    message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
  });
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      event("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (let at = 0; at < block.text.length; at += DELTA_CHARS) {
        event("content_block_delta", {
          index,
          delta: { type: "text_delta", text: block.text.slice(at, at + DELTA_CHARS) },
        });
      }
    } else {
      event("content_block_start", { index, content_block: { ...block, input: {} } });
      event("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
    }
    event("content_block_stop", { index });
  });
  event("message_delta", {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  event("message_stop", {});
  return {
    status: 200,
    headers: { ...base, "content-type": "text/event-stream", "cache-control": "no-cache" },
    body: { events },
  };
}
