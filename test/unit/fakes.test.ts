import { describe, expect, it } from "vitest";
import { FakeKubernetes } from "../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../fakes/in-memory-file-system.js";
import { ManualClock } from "../fakes/manual-clock.js";

describe("ManualClock", () => {
  it("wakes sleepers in due order only when advanced, and records each requested duration", async () => {
    const clock = new ManualClock(0);
    const woke: string[] = [];
    void clock.sleep(250).then(() => woke.push("a"));
    void clock.sleep(100).then(() => woke.push("b"));
    await clock.advance(99);
    expect(woke).toEqual([]);
    await clock.advance(200);
    expect(woke).toEqual(["b", "a"]);
    expect(clock.sleeps).toEqual([250, 100]);
    expect(clock.now()).toBe(299);
  });

  it("resolves a sleep as aborted at once when its signal fires", async () => {
    const clock = new ManualClock(0);
    const controller = new AbortController();
    const outcome = clock.sleep(10_000, controller.signal);
    controller.abort();
    await expect(outcome).resolves.toBe("aborted");
    expect(clock.pendingSleeps).toBe(0);
  });
});

describe("InMemoryFileSystem", () => {
  it("hides appended bytes from readers while visibility is held", async () => {
    const fs = new InMemoryFileSystem();
    fs.append("/f", "abc");
    fs.holdVisibility("/f");
    fs.append("/f", "def");
    const file = await fs.open("/f");
    const buffer = new Uint8Array(16);
    expect(await file.read(buffer, 0, 16, 0)).toBe(3);
    fs.releaseVisibility("/f");
    expect(await file.read(buffer, 0, 16, 3)).toBe(3);
  });

  it("gives a replaced file a new inode and reports stale sizes while frozen", async () => {
    const fs = new InMemoryFileSystem();
    fs.append("/f", "1234");
    const before = await fs.status("/f");
    fs.freezeReportedSize("/f");
    fs.append("/f", "5678");
    expect((await fs.status("/f"))?.size).toBe(4);
    fs.replace("/f", "x");
    const after = await fs.status("/f");
    expect(after?.inode).not.toBe(before?.inode);
  });

  it("fails the next call with an injected errno, then recovers", async () => {
    const fs = new InMemoryFileSystem();
    fs.append("/f", "x");
    fs.failNext("open", "ESTALE", { path: "/f" });
    await expect(fs.open("/f")).rejects.toMatchObject({ code: "ESTALE" });
    await expect(fs.open("/f")).resolves.toBeDefined();
  });
});

describe("FakeKubernetes", () => {
  const job = {
    metadata: { name: "run-1", labels: { "paperclip.io/run-id": "1" } },
    spec: { suspend: true, template: { spec: { containers: [{ name: "claude" }] } } },
  };

  it("creates the pod only when the suspended Job is resumed, and garbage-collects owned Secrets", async () => {
    const k8s = new FakeKubernetes();
    const created = await k8s.createJob("paperclip", job);
    expect(k8s.podOf("run-1")).toBeUndefined();
    await k8s.createOwnedSecret(
      "paperclip",
      { metadata: { name: "run-1-secret" } },
      {
        namespace: "paperclip",
        name: "run-1",
        uid: created.metadata.uid ?? "",
      },
    );
    await k8s.resumeJob("paperclip", "run-1");
    expect(k8s.podOf("run-1")?.status?.phase).toBe("Pending");
    expect(await k8s.deleteJob("paperclip", "run-1", "Background")).toBe(true);
    expect(k8s.secrets.size).toBe(0);
    expect(k8s.pods.size).toBe(0);
  });

  it("answers a duplicate create with 409 and injected faults with their status", async () => {
    const k8s = new FakeKubernetes();
    await k8s.createJob("paperclip", job);
    await expect(k8s.createJob("paperclip", job)).rejects.toMatchObject({ kind: "conflict", status: 409 });
    k8s.failNext("readJob", "server_error");
    await expect(k8s.readJob("paperclip", "run-1")).rejects.toMatchObject({ kind: "server_error", transient: true });
  });

  it("streams label-selected watch events and ends watches with 410 on demand", async () => {
    const k8s = new FakeKubernetes();
    const events: string[] = [];
    const errors: string[] = [];
    k8s.watchJobs("paperclip", "paperclip.io/run-id=1", {
      onEvent: (type, j) => events.push(`${type} ${j.metadata.name}`),
      onError: (e) => errors.push(e.kind),
    });
    await k8s.createJob("paperclip", job);
    k8s.setJobCondition("run-1", { type: "Complete", status: "True" });
    k8s.breakWatches();
    expect(events).toEqual(["ADDED run-1", "MODIFIED run-1"]);
    expect(errors).toEqual(["gone"]);
  });
});
