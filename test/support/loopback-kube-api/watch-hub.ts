/**
 * Open watch connections and what they are sent: replayed history, live changes, periodic
 * BOOKMARKs, and the apiserver's 410 ERROR event for a stale resourceVersion. Also the knobs that
 * break them (drop, stall, graceful close).
 */
import type { ServerResponse } from "node:http";
import type { EventHistory } from "./event-history.js";
import type { LabelSelector } from "../../../src/adapters/cluster-model/label-selector.js";
import type { AnyObject, Change, ObjectStore, ResourceName } from "../../../src/adapters/cluster-model/object-store.js";
import { tooOldResourceVersion } from "./status.js";

export interface WatchRequest {
  readonly resource: ResourceName;
  readonly namespace: string;
  readonly selector: LabelSelector;
  /** Absent or "0": start with ADDED for every current object, as the apiserver does. */
  readonly resourceVersion: string | undefined;
  readonly allowBookmarks: boolean;
  readonly timeoutMs: number | undefined;
}

interface Connection {
  readonly request: WatchRequest;
  readonly response: ServerResponse;
  stalled: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const KIND: Record<ResourceName, { kind: string; apiVersion: string }> = {
  jobs: { kind: "Job", apiVersion: "batch/v1" },
  pods: { kind: "Pod", apiVersion: "v1" },
  secrets: { kind: "Secret", apiVersion: "v1" },
};

export class WatchHub {
  private readonly connections = new Set<Connection>();
  private readonly bookmarkTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly history: EventHistory,
    bookmarkIntervalMs: number,
  ) {
    if (bookmarkIntervalMs > 0) {
      this.bookmarkTimer = setInterval(() => this.sendBookmarks(), bookmarkIntervalMs);
      this.bookmarkTimer.unref();
    }
  }

  get openCount(): number {
    return this.connections.size;
  }

  open(request: WatchRequest, response: ServerResponse): void {
    // The client may have given up while the request was delayed.
    if (response.destroyed || !response.socket || response.socket.destroyed) return;
    response.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    // Like the apiserver: headers go out at once, before any event.
    response.flushHeaders();
    const requested = request.resourceVersion;
    if (requested !== undefined && requested !== "" && requested !== "0") {
      const from = Number(requested);
      if (!Number.isInteger(from) || !this.history.canResumeFrom(request.resource, from)) {
        // The apiserver answers 200, sends one ERROR event with a 410 Status, and ends the stream.
        const status = tooOldResourceVersion(requested, this.history.oldest(request.resource));
        response.end(line("ERROR", status));
        return;
      }
      for (const change of this.history.since(request.resource, from)) {
        if (this.matches(request, change.object)) response.write(line(change.type, change.object));
      }
    } else {
      for (const object of this.store.list(request.resource, request.namespace, request.selector)) {
        response.write(line("ADDED", object));
      }
    }
    const connection: Connection = { request, response, stalled: false, timer: undefined };
    this.connections.add(connection);
    const forget = () => {
      if (connection.timer) clearTimeout(connection.timer);
      this.connections.delete(connection);
    };
    response.on("close", forget);
    if (request.timeoutMs !== undefined) {
      connection.timer = setTimeout(() => this.end(connection), request.timeoutMs);
    }
  }

  broadcast(change: Change): void {
    let encoded: string | undefined;
    for (const c of this.connections) {
      if (c.stalled || c.response.writableEnded) continue;
      if (c.request.resource !== change.resource || !this.matches(c.request, change.object)) continue;
      encoded ??= line(change.type, change.object);
      c.response.write(encoded);
    }
  }

  /** Closes every open watch abruptly (socket reset mid-stream), as a dying proxy or apiserver would. */
  drop(): number {
    const count = this.connections.size;
    for (const c of [...this.connections]) c.response.socket?.destroy();
    return count;
  }

  /** Keeps every open watch connected but silent from now on: the stall a watchdog must notice. */
  stall(): number {
    for (const c of this.connections) c.stalled = true;
    return this.connections.size;
  }

  /** Ends every open watch cleanly, as the apiserver does when a watch's timeout elapses. */
  endGracefully(): number {
    const count = this.connections.size;
    for (const c of [...this.connections]) this.end(c);
    return count;
  }

  close(): void {
    if (this.bookmarkTimer) clearInterval(this.bookmarkTimer);
    for (const c of [...this.connections]) c.response.socket?.destroy();
    this.connections.clear();
  }

  /** A clean end of stream; the connection leaves the hub at once, whatever the client does next. */
  private end(connection: Connection): void {
    if (connection.timer) clearTimeout(connection.timer);
    this.connections.delete(connection);
    connection.response.end();
  }

  private sendBookmarks(): void {
    const resourceVersion = String(this.store.currentResourceVersion);
    for (const c of this.connections) {
      if (c.stalled || c.response.writableEnded || !c.request.allowBookmarks) continue;
      c.response.write(line("BOOKMARK", { ...KIND[c.request.resource], metadata: { resourceVersion } }));
    }
  }

  private matches(request: WatchRequest, object: AnyObject): boolean {
    return object.metadata.namespace === request.namespace && request.selector(object.metadata.labels);
  }
}

const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;
