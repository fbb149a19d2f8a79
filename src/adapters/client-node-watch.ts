/**
 * One label-selected watch on client-node's own informer (ListWatch: list, then watch from the
 * list's resourceVersion, resume after a clean end of stream, re-list on 410 Gone), plus the one
 * guarantee it lacks: after stop() or a reported error, nothing fires and no connection stays open.
 *
 * What ListWatch (client-node 1.4) does by itself, verified against the loopback apiserver
 * (test/integration/client-node/watch.test.ts):
 * - a stream that ends cleanly (apiserver watch timeout) → resumes from the last resourceVersion;
 * - an ERROR event or HTTP status 410 → re-lists (objects changed meanwhile arrive as MODIFIED,
 *   vanished ones as DELETED) and watches again;
 * - any other failure (list fails, watch answered non-200, connection reset) → emits "error" and
 *   STOPS for good. We report that once via onError; restarting is the owner's job.
 * - it never asks for bookmarks and sets no watch timeout, so a silently stalled stream is only
 *   noticed by the owner's watchdog.
 */
import { Agent } from "node:http";
import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from "@kubernetes/client-node";
import type { WatchEventType } from "../ports/kubernetes-objects.js";
import type { WatchObserver, WatchSubscription } from "../ports/kubernetes-port.js";
import { toKubernetesApiError } from "./client-node-errors.js";

export interface InformerSource<Raw extends KubernetesObject> {
  readonly config: KubeConfig;
  /** `/apis/batch/v1/namespaces/x/jobs`: the collection to watch. */
  readonly path: string;
  readonly labelSelector: string;
  /** The list call; `signal` aborts it when the watch is stopped mid-list. */
  list(signal: AbortSignal): Promise<KubernetesListObject<Raw>>;
}

/**
 * client-node's Watch, made inert once stopped: late callbacks are dropped and every connection it
 * opened is closed, even one still waiting for response headers. Watch only exposes its
 * AbortController once the headers arrived, so we also keep the per-request http.Agent that
 * KubeConfig creates for it (through a KubeConfig whose applyToFetchOptions records it) and
 * destroy its sockets on stop.
 */
class StoppableWatch extends Watch {
  private stopped = false;
  private readonly agents = new Set<Agent>();

  constructor(base: KubeConfig) {
    super(base);
    const recording = Object.create(base) as KubeConfig;
    recording.applyToFetchOptions = async (options) => {
      const init = await base.applyToFetchOptions(options);
      if (init.agent instanceof Agent) this.agents.add(init.agent);
      return init;
    };
    this.config = recording;
  }

  stop(): void {
    this.stopped = true;
    for (const agent of this.agents) agent.destroy();
    this.agents.clear();
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    // The parent's signature types the object as any; we only pass it through.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    done: (err: any) => void,
  ): Promise<AbortController> {
    if (this.stopped) return abortedController();
    const before = new Set(this.agents);
    let controller: AbortController;
    try {
      controller = await super.watch(
        path,
        queryParams,
        (phase, object, raw) => {
          if (!this.stopped) callback(phase, object, raw);
        },
        (error) => {
          // This request is over: its agent no longer needs tracking.
          for (const agent of this.agents) if (!before.has(agent)) this.agents.delete(agent);
          if (!this.stopped) done(error);
        },
      );
    } catch (error) {
      // Watch throws when it cannot even build the request (credentials, no cluster). ListWatch
      // awaits us inside a done callback nobody awaits, so a throw here would be an unhandled
      // rejection: report it through `done` instead, which stops the informer with an error.
      if (!this.stopped) queueMicrotask(() => done(error));
      return abortedController();
    }
    // stop() while the request was connecting: ListWatch had nothing to abort yet.
    if (this.stopped) controller.abort();
    return controller;
  }
}

function abortedController(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}

/** client-node models carry Date objects; the port speaks the API's JSON. */
export const toPlainJson = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

export function watchWithInformer<Raw extends KubernetesObject, Out>(
  source: InformerSource<Raw>,
  observer: WatchObserver<Out>,
): WatchSubscription {
  const lifetime = new AbortController();
  const transport = new StoppableWatch(source.config);
  const informer = new ListWatch<Raw>(
    source.path,
    transport,
    () => source.list(lifetime.signal),
    false,
    source.labelSelector || undefined,
  );
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    transport.stop();
    lifetime.abort();
    void informer.stop();
  };
  const forward = (type: WatchEventType) => (object: Raw) => {
    if (!ended) observer.onEvent(type, toPlainJson<Out>(object));
  };
  const fail = (error: unknown) => {
    if (ended) return;
    end();
    observer.onError?.(toKubernetesApiError({ operation: "watch", target: source.path }, error));
  };
  informer.on("add", forward("ADDED"));
  informer.on("update", forward("MODIFIED"));
  informer.on("delete", forward("DELETED"));
  informer.on("error", fail);
  informer.start().catch(fail);
  return { stop: end };
}
