/**
 * A loopback double of Anthropic's Messages API for running the REAL Claude Code CLI with no
 * network: HTTP on 127.0.0.1, point the CLI at it with `ANTHROPIC_BASE_URL`. Every request is
 * recorded (method, path, headers, parsed body) so a test can assert what the model received; each
 * `POST /v1/messages` is answered by the scripted responder. `count_tokens`, `HEAD` and model
 * lookups get plausible answers; anything else a 404 in the API's error shape.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { encodeReply, type Reply } from "./anthropic-replies.js";
import { promptOf, turnOf, type MessagesRequestBody } from "./conversation.js";

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The JSON body, or null when there was none or it was not JSON. */
  readonly body: MessagesRequestBody | null;
}

/** One model call as the responder sees it. */
export interface MessagesCall {
  readonly body: MessagesRequestBody;
  readonly headers: RecordedRequest["headers"];
  /** Model turns this run already had (see `turnOf`). */
  readonly turn: number;
  /** 0-based count of model calls the double has answered before this one. */
  readonly index: number;
}

export type Responder = (call: MessagesCall) => Reply;

/** Answers turn N with `replies[N]` (the last one again for later turns), so retries get the same answer. */
export function byTurn(...replies: Reply[]): Responder {
  if (replies.length === 0) throw new Error("byTurn needs at least one reply");
  return ({ turn }) => replies[Math.min(turn, replies.length - 1)]!;
}

const MESSAGES_PATH = "/v1/messages";
const COUNT_TOKENS_PATH = "/v1/messages/count_tokens";
/** Request bodies past this are refused: a double must not be an unbounded buffer. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class AnthropicApiDouble {
  readonly requests: RecordedRequest[] = [];
  private responder: Responder;
  private calls = 0;
  private readonly stalled = new Set<ServerResponse>();

  private readonly server: Server = createServer((request, response) => void this.handle(request, response));
  private address = "";

  private constructor(responder: Responder) {
    this.responder = responder;
  }

  /** Listens on 127.0.0.1 (a random port unless given); answers "OK" until scripted. */
  static async start(
    options: { readonly port?: number; readonly responder?: Responder } = {},
  ): Promise<AnthropicApiDouble> {
    const double = new AnthropicApiDouble(
      options.responder ?? byTurn({ kind: "message", content: [{ type: "text", text: "OK" }] }),
    );
    await new Promise<void>((resolve, reject) => {
      double.server.once("error", reject);
      double.server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    double.address = `http://127.0.0.1:${(double.server.address() as AddressInfo).port}`;
    return double;
  }

  /** The base URL to give the CLI as `ANTHROPIC_BASE_URL`. */
  get url(): string {
    return this.address;
  }

  /** Scripts the answers from now on. */
  respond(responder: Responder): this {
    this.responder = responder;
    return this;
  }

  /** The recorded model calls (`POST /v1/messages`), in arrival order. */
  messageCalls(): RecordedRequest[] {
    return this.requests.filter((request) => request.method === "POST" && request.path === MESSAGES_PATH);
  }

  /** The prompt of every model call (see `promptOf`), in order. */
  prompts(): string[][] {
    return this.messageCalls().map((request) => promptOf(request.body ?? {}));
  }

  /** Model calls currently held open by a stall. */
  get stalledCalls(): number {
    return this.stalled.size;
  }

  /** Forgets what was recorded (the responder stays). */
  reset(): void {
    this.requests.length = 0;
    this.calls = 0;
  }

  async close(): Promise<void> {
    for (const response of this.stalled) response.destroy();
    this.stalled.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const [path = "/", query = ""] = (request.url ?? "/").split("?", 2);
    let raw: Buffer;
    try {
      raw = await readBody(request);
    } catch (error) {
      answerJson(response, 413, apiError("invalid_request_error", (error as Error).message));
      return;
    }
    const body = parseJson(raw);
    this.requests.push({ method: request.method ?? "GET", path, query, headers: request.headers, body });

    if (request.method === "HEAD" || (request.method === "GET" && path === "/")) {
      response.writeHead(200).end();
    } else if (request.method === "POST" && path === COUNT_TOKENS_PATH) {
      answerJson(response, 200, { input_tokens: Math.ceil(raw.length / 4) });
    } else if (request.method === "GET" && path.startsWith("/v1/models")) {
      const id = path.slice("/v1/models/".length);
      const model = {
        type: "model",
        id: id || "claude-sonnet-4-5",
        display_name: id || "Claude",
        created_at: "2025-01-01T00:00:00Z",
      };
      answerJson(response, 200, id ? model : { data: [model], has_more: false, first_id: model.id, last_id: model.id });
    } else if (request.method === "POST" && path === MESSAGES_PATH && body !== null) {
      this.answerModelCall(body, request, response);
    } else {
      answerJson(
        response,
        404,
        apiError("not_found_error", `${request.method} ${path} is not served by the API double`),
      );
    }
  }

  private answerModelCall(body: MessagesRequestBody, request: IncomingMessage, response: ServerResponse): void {
    const index = this.calls++;
    let answer: Reply;
    try {
      answer = this.responder({ body, headers: request.headers, turn: turnOf(body), index });
    } catch (error) {
      answerJson(response, 500, apiError("api_error", `the double's responder threw: ${(error as Error).message}`));
      return;
    }
    if (answer.kind === "stall") {
      this.stalled.add(response);
      response.once("close", () => this.stalled.delete(response));
      return;
    }
    const wire = encodeReply(answer, {
      model: typeof body.model === "string" ? body.model : "claude-sonnet-4-5",
      stream: body.stream === true,
      messageId: `msg_double${String(index).padStart(6, "0")}`,
      requestId: `req_double${String(index).padStart(6, "0")}`,
    });
    response.writeHead(wire.status, wire.headers);
    if ("json" in wire.body) {
      response.end(wire.body.json);
      return;
    }
    for (const event of wire.body.events) response.write(event);
    response.end();
  }
}

function apiError(type: string, message: string): Record<string, unknown> {
  return { type: "error", error: { type, message } };
}

function answerJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function parseJson(raw: Buffer): MessagesRequestBody | null {
  if (raw.length === 0) return null;
  try {
    const value: unknown = JSON.parse(raw.toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as MessagesRequestBody) : null;
  } catch {
    return null;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.destroy();
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
