/**
 * A Kubernetes apiserver for tests, in-process over real HTTP on 127.0.0.1, so the REAL
 * client-node (and anything else) talks to it exactly as to a cluster: jobs, pods, secrets,
 * SelfSubjectAccessReviews, list + watch with resourceVersions, bookmarks and 410 Expired, a job
 * controller with GC, a pluggable kubelet, and knobs to break things.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { EventHistory } from "./event-history.js";
import { FaultPlan, RequestCounter, type DelaySpec, type FaultSpec } from "./faults.js";
import { JobController } from "../../../src/adapters/cluster-model/job-controller.js";
import type { Kubelet } from "./kubelet.js";
import { loopbackKubeConfig } from "./kube-config.js";
import {
  ObjectStore,
  type ResourceName,
  type ResourceTypes,
} from "../../../src/adapters/cluster-model/object-store.js";
import { Router } from "./router.js";
import { requestSelector } from "./status.js";
import { ScriptedKubelet } from "./scripted-kubelet.js";
import { WatchHub } from "./watch-hub.js";

export interface LoopbackKubeApiOptions {
  /** Runs the pods; a ScriptedKubelet (every pod runs 50 ms and exits 0) by default. */
  readonly kubelet?: Kubelet;
  /** Changes per resource a watch can resume across; older resumes get 410. Default 10,000. */
  readonly historyLimit?: number;
  /** BOOKMARK period for watches that allow them; 0 turns them off. Default 5,000 ms. */
  readonly bookmarkIntervalMs?: number;
  /** Ends every watch cleanly after this long (the apiserver's watch timeout). Default: never. */
  readonly watchTimeoutMs?: number;
  /** Bearer token every request must carry. Default "loopback-token". */
  readonly token?: string;
}

export class LoopbackKubeApi {
  readonly store: ObjectStore;
  readonly requests = new RequestCounter();
  /** `verb resource[/subresource]` answered allowed=false by SelfSubjectAccessReview. */
  readonly deniedAccess = new Set<string>();
  readonly token: string;

  private readonly faults = new FaultPlan();
  private readonly history: EventHistory;
  private readonly watches: WatchHub;
  private readonly controller: JobController;
  private readonly delays = new Set<ReturnType<typeof setTimeout>>();
  private kubeletInUse: Kubelet;
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: LoopbackKubeApiOptions,
  ) {
    const clock = new SystemClock();
    this.store = new ObjectStore(clock);
    this.token = options.token ?? "loopback-token";
    this.kubeletInUse = options.kubelet ?? new ScriptedKubelet();
    this.history = new EventHistory(options.historyLimit ?? 10_000);
    this.watches = new WatchHub(this.store, this.history, options.bookmarkIntervalMs ?? 5_000);
    this.store.onChange((change) => {
      this.history.record(change);
      this.watches.broadcast(change);
    });
    this.controller = new JobController(this.store, clock, () => this.kubeletInUse);
    const router = new Router({
      store: this.store,
      controller: this.controller,
      watches: this.watches,
      faults: this.faults,
      counter: this.requests,
      access: { denied: this.deniedAccess },
      token: this.token,
      watchTimeoutMs: options.watchTimeoutMs,
      delay: (ms) =>
        new Promise((resolve) => {
          const timer = setTimeout(() => {
            this.delays.delete(timer);
            resolve();
          }, ms);
          this.delays.add(timer);
        }),
    });
    server.on("request", (request, response) => void router.handle(request, response));
  }

  static async start(options: LoopbackKubeApiOptions = {}): Promise<LoopbackKubeApi> {
    const server = createServer();
    // Many concurrent runs hold watches and slow requests at once.
    server.maxConnections = 10_000;
    server.keepAliveTimeout = 5_000;
    const api = new LoopbackKubeApi(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    api.port = (server.address() as AddressInfo).port;
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A KubeConfig for client-node pointing here with the right token. */
  kubeConfig(namespace = "default"): KubeConfig {
    return loopbackKubeConfig(this.url, this.token, namespace);
  }

  get kubelet(): Kubelet {
    return this.kubeletInUse;
  }

  /** Pods started from now on run on `kubelet`. */
  useKubelet(kubelet: Kubelet): void {
    this.kubeletInUse = kubelet;
  }

  // ---- seeding and inspection ------------------------------------------------------------------

  /** Puts a pod in the store as-is (e.g. the Paperclip server's own pod); no kubelet runs it. */
  seedPod(pod: Pod): Pod {
    return this.store.create("pods", pod.metadata.namespace ?? "default", pod);
  }

  get<R extends ResourceName>(resource: R, namespace: string, name: string): ResourceTypes[R] | undefined {
    const object = this.store.get(resource, namespace, name);
    return object && structuredClone(object);
  }

  list<R extends ResourceName>(resource: R, namespace: string, labelSelector = ""): Array<ResourceTypes[R]> {
    return structuredClone(this.store.list(resource, namespace, requestSelector(labelSelector)));
  }

  /** Pods of Job `jobName` (by its `job-name` label). */
  podsOf(jobName: string, namespace: string): Pod[] {
    return this.list("pods", namespace, `job-name=${jobName}`);
  }

  get openWatchCount(): number {
    return this.watches.openCount;
  }

  /** Open TCP connections from clients (watches, requests in flight, idle keep-alives). */
  connectionCount(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  }

  get runningPodCount(): number {
    return this.controller.pods.runningCount;
  }

  // ---- faults ----------------------------------------------------------------------------------

  /** The next `times` requests for `verb resource` get `status` with a Status body. */
  failNext(spec: FaultSpec): void {
    this.faults.failNext(spec);
  }

  /** The next `times` requests for `verb resource` are answered `ms` late (to trip client timeouts). */
  delayNext(spec: DelaySpec): void {
    this.faults.delayNext(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Resets every open watch connection abruptly; returns how many. */
  dropWatches(): number {
    return this.watches.drop();
  }

  /** Open watch connections stay open but receive nothing from now on; returns how many. */
  stallWatches(): number {
    return this.watches.stall();
  }

  /** Ends every open watch cleanly (as the apiserver's watch timeout does); returns how many. */
  endWatches(): number {
    return this.watches.endGracefully();
  }

  /** Compacts the watch history: any resume from a resourceVersion seen so far gets 410 Expired. */
  expireWatchHistory(): void {
    this.history.expire(this.store.bumpResourceVersion());
  }

  /** Ends every connection, watch, timer and pod; the process can exit afterwards. */
  async close(): Promise<void> {
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
    this.watches.close();
    await this.controller.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
