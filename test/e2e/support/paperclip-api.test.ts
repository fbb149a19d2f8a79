import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { PaperclipApi, PaperclipApiError } from "./paperclip-api.js";

/** A stand-in for Paperclip's log endpoint that cuts pages at a tiny byte size, like the real one does at 1 MiB. */
function serveLog(ndjson: string, pageBytes: number): Promise<{ server: Server; api: PaperclipApi }> {
  const bytes = Buffer.from(ndjson, "utf8");
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/api/heartbeat-runs/r1/log") {
      const offset = Number(url.searchParams.get("offset") ?? 0);
      const end = Math.min(bytes.length, offset + pageBytes);
      const body = {
        content: bytes.subarray(offset, end).toString("utf8"),
        ...(end < bytes.length ? { nextOffset: end } : {}),
      };
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(body));
      return;
    }
    res.statusCode = 404;
    res.end('{"error":"Heartbeat run not found"}');
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ server, api: new PaperclipApi(`http://127.0.0.1:${port}/api`) });
    }),
  );
}

let running: Server | undefined;
afterEach(() => running?.close());

describe("PaperclipApi.readRunLog", () => {
  it("reassembles every chunk in order when pages cut lines and multi-byte characters", async () => {
    const chunks = Array.from({ length: 12 }, (_, i) => ({
      ts: "t",
      stream: "stdout",
      chunk: `zeile ${i} ✓ü€\n`,
      seq: i,
    }));
    const ndjson = chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join("");
    const { server, api } = await serveLog(ndjson, 97); // 97 bytes: cuts inside lines and inside ✓/€
    running = server;
    expect(await api.readRunLog("r1")).toEqual(chunks);
  });

  it("reassembles a line larger than a page, split inside multi-byte characters", async () => {
    const chunks = [
      { ts: "t", stream: "stdout", chunk: `${"€✓ü".repeat(300)}\n`, seq: 1 },
      { ts: "t", stream: "stdout", chunk: "small\n", seq: 2 },
    ];
    const ndjson = chunks.map((chunk) => `${JSON.stringify(chunk)}\n`).join("");
    const { server, api } = await serveLog(ndjson, 101); // the first line spans ~20 pages
    running = server;
    expect(await api.readRunLog("r1")).toEqual(chunks);
  });

  it("names the call and status when the server refuses", async () => {
    const { server, api } = await serveLog("", 10);
    running = server;
    const error = await api.readRunLog("missing").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaperclipApiError);
    expect((error as PaperclipApiError).message).toMatch(/GET \/heartbeat-runs\/missing\/log.* answered 404/);
  });
});
