/**
 * The driver's handle on the cluster process: forks it, learns the apiserver's address, counts
 * pods that run and collects how each one ended, and asks for the request counts.
 */
import { fork, type ChildProcess } from "node:child_process";
import { CLUSTER_SETUP_ENV, type ClusterSetup, type FromCluster, type ToCluster } from "./cluster-protocol.js";
import type { PodEnded } from "./stand-in-pod.js";

export class ClusterClient {
  /** Pods that reached Running, by run id. */
  readonly running = new Set<string>();
  /** How each pod ended, by run id. */
  readonly ended = new Map<string, PodEnded>();
  private readonly waiters = new Set<() => void>();
  private pendingRequests: ((counts: Readonly<Record<string, number>>) => void) | null = null;
  private closed: (() => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly token: string,
  ) {
    child.on("message", (message: FromCluster) => this.receive(message));
  }

  static start(script: string, setup: ClusterSetup): Promise<ClusterClient> {
    const child = fork(script, [], {
      env: { ...process.env, [CLUSTER_SETUP_ENV]: JSON.stringify(setup) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`cluster process exited ${code} before it was ready`));
      child.once("exit", onExit);
      child.once("message", (message: FromCluster) => {
        if (message.kind !== "ready") return reject(new Error(`cluster process said ${message.kind} first`));
        child.off("exit", onExit);
        resolve(new ClusterClient(child, message.url, message.token));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves once `count` pods have run, or after `timeoutMs` (check `running.size`). */
  untilRunning(count: number, timeoutMs: number): Promise<void> {
    if (this.running.size >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.running.size >= count) finish();
      };
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
    });
  }

  beginActive(): void {
    this.send({ kind: "begin-active" });
  }

  requests(): Promise<Readonly<Record<string, number>>> {
    return new Promise((resolve) => {
      this.pendingRequests = resolve;
      this.send({ kind: "requests" });
    });
  }

  /** Stops the apiserver and its pods; the process exits on its own afterwards. */
  async close(): Promise<void> {
    if (!this.child.connected) return;
    const closed = new Promise<void>((resolve) => (this.closed = resolve));
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.send({ kind: "close" });
    await Promise.race([closed, exited]);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }

  private send(message: ToCluster): void {
    this.child.send(message);
  }

  private receive(message: FromCluster): void {
    switch (message.kind) {
      case "running":
        this.running.add(message.runId);
        for (const check of [...this.waiters]) check();
        return;
      case "ended":
        this.ended.set(message.ended.runId, message.ended);
        return;
      case "requests":
        this.pendingRequests?.(message.counts);
        this.pendingRequests = null;
        return;
      case "closed":
        this.closed?.();
        return;
      case "ready":
        return;
    }
  }
}
