import { describe, expect, it } from "vitest";
import { ClientNodeKubernetes } from "../../src/adapters/client-node-kubernetes.js";
import { BoundedFileSystem } from "../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../src/adapters/node-file-system.js";
import { SystemClock } from "../../src/adapters/system-clock.js";
import { createContainer } from "../../src/container.js";
import { ServerPodReader } from "../../src/domain/server-pod-reader.js";
import { CLOCK_PORT, FILE_SYSTEM_PORT, KUBERNETES_PORT } from "../../src/ports/index.js";
import { FakeKubernetes } from "../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../fakes/in-memory-file-system.js";
import { ManualClock } from "../fakes/manual-clock.js";

describe("composition root", () => {
  it("binds the real adapters by default and resolves the domain services", () => {
    const container = createContainer({ kubernetes: { kubeconfigPath: "/nonexistent/kubeconfig" } });
    const fileSystem = container.get(FILE_SYSTEM_PORT);
    // The real file system, always behind the watchdog and thread-pool shares.
    expect(fileSystem).toBeInstanceOf(BoundedFileSystem);
    expect((fileSystem as BoundedFileSystem).inner).toBeInstanceOf(NodeFileSystem);
    expect((fileSystem as BoundedFileSystem).bounds).toEqual({ callTimeoutMs: 10_000, maxInFlight: 2 });
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
    const reader = new ServerPodReader(kubernetes);
    await reader.read();
    await reader.read();
    expect(kubernetes.calls.filter((c) => c.operation === "readOwnPod")).toHaveLength(1);
  });

  it("does not cache a failed read, so the next run retries", async () => {
    const kubernetes = new FakeKubernetes();
    kubernetes.failNext("readOwnPod", "server_error");
    const reader = new ServerPodReader(kubernetes);
    await expect(reader.read()).rejects.toMatchObject({ kind: "server_error" });
    await expect(reader.read()).resolves.toMatchObject({ metadata: { name: "paperclip-server-0" } });
  });
});
