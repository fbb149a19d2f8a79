import { describe, expect, it } from "vitest";
import { retryTransient } from "../../../src/domain/cluster/retry-transient.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import { runJob } from "./run-fixtures.js";

const OPTIONS = { attempts: 4, initialMs: 100, maxMs: 250 };

async function world() {
  const kubernetes = new FakeKubernetes();
  const clock = new ManualClock(0);
  await kubernetes.createJob("paperclip", runJob("run-1", { suspend: true }));
  const log: string[] = [];
  const resume = () => kubernetes.resumeJob("paperclip", "run-1");
  const tries = () => kubernetes.calls.filter((c) => c.operation === "resumeJob").length;
  return { kubernetes, clock, log, resume, tries };
}

describe("retryTransient", () => {
  it("retries transient API errors with capped exponential backoff, logging each retry, until it succeeds", async () => {
    const w = await world();
    w.kubernetes.failNext("resumeJob", "server_error", 2);
    w.kubernetes.failNext("resumeJob", "timeout", 1);
    const pending = retryTransient(w.clock, w.resume, { ...OPTIONS, status: (line) => void w.log.push(line) });
    await w.clock.runUntil(() => w.tries() === 4);
    await expect(pending).resolves.toEqual({ ok: true, value: undefined });
    expect(w.clock.sleeps).toEqual([100, 200, 250]);
    expect(w.log[0]).toBe(
      "[claude-k8s] Kubernetes resumeJob failed (server_error 500: injected server_error on resumeJob); retry 1/3 in 100 ms",
    );
    expect(w.log).toHaveLength(3);
  });

  it("fails at once on a non-transient error", async () => {
    const w = await world();
    w.kubernetes.failNext("resumeJob", "forbidden");
    const result = await retryTransient(w.clock, w.resume, OPTIONS);
    expect(result).toMatchObject({ ok: false, failure: { kind: "forbidden", status: 403 } });
    expect(w.tries()).toBe(1);
  });

  it("returns the last error when the attempts are used up", async () => {
    const w = await world();
    w.kubernetes.failNext("resumeJob", "network", 10);
    const pending = retryTransient(w.clock, w.resume, OPTIONS);
    await w.clock.runUntil(() => w.tries() === 4);
    await expect(pending).resolves.toMatchObject({ ok: false, failure: { kind: "network" } });
    expect(w.clock.pendingSleeps).toBe(0);
  });

  it("stops retrying when its signal fires during a backoff", async () => {
    const w = await world();
    w.kubernetes.failNext("resumeJob", "server_error", 10);
    const controller = new AbortController();
    const pending = retryTransient(w.clock, w.resume, { ...OPTIONS, signal: controller.signal });
    await w.clock.advance(0);
    controller.abort();
    await expect(pending).resolves.toMatchObject({ ok: false, failure: { kind: "server_error" } });
    expect(w.tries()).toBe(1);
  });

  it("rethrows what is not a Kubernetes API error (a bug is not retried)", async () => {
    const w = await world();
    let calls = 0;
    const broken = async () => {
      calls++;
      throw new TypeError("bug");
    };
    await expect(retryTransient(w.clock, broken, OPTIONS)).rejects.toThrow("bug");
    expect(calls).toBe(1);
  });
});
