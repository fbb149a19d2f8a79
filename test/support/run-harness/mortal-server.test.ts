import { describe, expect, it } from "vitest";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { flushAsync, ManualClock } from "../../fakes/manual-clock.js";
import { MortalServer } from "./mortal-server.js";

const settledWithin = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await flushAsync();
  return settled;
};

function world() {
  const kubernetes = new FakeKubernetes();
  const files = new InMemoryFileSystem();
  const clock = new ManualClock(0);
  return { kubernetes, files, clock, server: new MortalServer(kubernetes, files, clock) };
}

describe("MortalServer: the ports of a server process that can die", () => {
  it("passes calls through while alive", async () => {
    const { files, server } = world();
    files.append("/data/log", "hello");
    expect(await server.fileSystem.status("/data/log")).toMatchObject({ size: 5 });
    expect(await server.kubernetes.listJobs("paperclip", "")).toEqual([]);
  });

  it("after die(), a call already in flight never settles and new calls never settle", async () => {
    const { clock, server } = world();
    const sleeping = server.clock.sleep(1_000);
    server.die();
    await clock.advance(1_000);

    expect(await settledWithin(sleeping)).toBe(false);
    expect(await settledWithin(server.kubernetes.listJobs("paperclip", ""))).toBe(false);
    expect(await settledWithin(server.fileSystem.status("/anything"))).toBe(false);
  });

  it("after die(), its watches are stopped and no event reaches the dead server", async () => {
    const { kubernetes, server } = world();
    const events: string[] = [];
    server.kubernetes.watchJobs("paperclip", "", { onEvent: (type) => events.push(type) });
    expect(kubernetes.activeWatchCount).toBe(1);

    server.die();
    await kubernetes.createJob("paperclip", {
      metadata: { name: "late" },
      spec: { template: { spec: { containers: [] } } },
    });

    expect(kubernetes.activeWatchCount).toBe(0);
    expect(events).toEqual([]);
  });
});
