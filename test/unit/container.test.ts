import { describe, expect, it } from "vitest";
import { ClientNodeKubernetes } from "../../src/adapters/client-node-kubernetes.js";
import { BoundedFileSystem } from "../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../src/adapters/syscall-worker-file-system.js";
import { SystemClock } from "../../src/adapters/system-clock.js";
import { createContainer } from "../../src/container.js";
import { ServerPodReader } from "../../src/domain/server-pod-reader.js";
import { CLOCK_PORT, FILE_SYSTEM_PORT, KUBERNETES_PORT } from "../../src/ports/index.js";
import { FakeKubernetes } from "../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../fakes/in-memory-file-system.js";
import { ManualClock } from "../fakes/manual-clock.js";

describe("composition root", () => {
  it("binds the real adapters by default and resolves the domain services", () => {
    const container = createContainer({ runtime: { kind: "kubernetes", kubeconfigPath: "/nonexistent/kubeconfig" } });
    const fileSystem = container.get(FILE_SYSTEM_PORT);
    // The tail's calls on the syscall worker (its own watchdog); everything else on the real file
    // system behind the watchdog and thread-pool shares.
    expect(fileSystem).toBeInstanceOf(SyscallWorkerFileSystem);
    expect((fileSystem as SyscallWorkerFileSystem).bounds).toEqual({ callTimeoutMs: 10_000, maxInFlight: 2 });
    const bounded = (fileSystem as SyscallWorkerFileSystem).fallback;
    expect(bounded).toBeInstanceOf(BoundedFileSystem);
    expect((bounded as BoundedFileSystem).inner).toBeInstanceOf(NodeFileSystem);
    expect((bounded as BoundedFileSystem).bounds).toEqual({ callTimeoutMs: 10_000, maxInFlight: 2 });
    expect(container.get(CLOCK_PORT)).toBeInstanceOf(SystemClock);
    expect(container.get(KUBERNETES_PORT)).toBeInstanceOf(ClientNodeKubernetes);
    expect(container.get(ServerPodReader)).toBeInstanceOf(ServerPodReader);
  });

  it("builds with fakes supplied by the caller and wires them into the domain services", async () => {
    const kubernetes = new FakeKubernetes();
    const container = createContainer({
      bindings: { fileSystem: new InMemoryFileSystem(), kubernetes, clock: new ManualClock() },
    });
    expect((container.get(FILE_SYSTEM_PORT) as BoundedFileSystem).inner).toBeInstanceOf(InMemoryFileSystem);
    expect(container.get(CLOCK_PORT)).toBeInstanceOf(ManualClock);
    const pod = await container.get(ServerPodReader).read();
    expect(pod.metadata.name).toBe("paperclip-server-0");
    expect(kubernetes.calls.map((c) => c.operation)).toEqual(["readOwnPod"]);
  });

  it("gives each container its own singletons", () => {
    const a = createContainer({ bindings: { kubernetes: new FakeKubernetes() } });
    const b = createContainer({ bindings: { kubernetes: new FakeKubernetes() } });
    expect(a.get(ServerPodReader)).toBe(a.get(ServerPodReader));
    expect(a.get(ServerPodReader)).not.toBe(b.get(ServerPodReader));
  });
});

describe("ServerPodReader", () => {
  it("reads the server pod once and serves the cached copy afterwards", async () => {
    const kubernetes = new FakeKubernetes();
    const reader = new ServerPodReader(kubernetes, new ManualClock());
    await reader.read();
    await reader.read();
    expect(kubernetes.calls.filter((c) => c.operation === "readOwnPod")).toHaveLength(1);
  });

  it("a timeout on the server's own-pod read is retried, and five concurrent runs share the one retried read", async () => {
    const kubernetes = new FakeKubernetes();
    const clock = new ManualClock();
    kubernetes.failNext("readOwnPod", "timeout");
    const reader = new ServerPodReader(kubernetes, clock);
    const reads = Array.from({ length: 5 }, () => reader.read());
    await clock.runUntil(
      () => clock.pendingSleeps === 0 && kubernetes.calls.filter((c) => c.operation === "readOwnPod").length === 2,
    );
    const pods = await Promise.all(reads);

    expect(pods.map((pod) => pod.metadata.name)).toEqual(Array(5).fill("paperclip-server-0"));
    expect(kubernetes.calls.filter((c) => c.operation === "readOwnPod")).toHaveLength(2);
    expect(clock.sleeps).toEqual([500]);
  });

  it("does not cache a failed read (a non-transient error fails at once), so the next run retries", async () => {
    const kubernetes = new FakeKubernetes();
    kubernetes.failNext("readOwnPod", "forbidden");
    const reader = new ServerPodReader(kubernetes, new ManualClock());
    await expect(reader.read()).rejects.toMatchObject({ kind: "forbidden" });
    await expect(reader.read()).resolves.toMatchObject({ metadata: { name: "paperclip-server-0" } });
  });
});
