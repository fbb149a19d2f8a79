/**
 * ClusterWatchHub at scale, on FakeKubernetes and the system clock: N concurrent runs in one
 * namespace each wait for their pod to end (awaitPodTermination), while every pod changes state.
 * Prints API calls made, dispatch cost per watch event and heap per waiting run.
 *
 *   npx esbuild test/bench/cluster/hub-bench.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/hub-bench/bench.mjs && node --expose-gc /tmp/hub-bench/bench.mjs
 *
 * Env: BENCH_RUNS (comma list, default 100,1000), BENCH_ROUNDS (pod updates per run, default 20).
 */
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { awaitPodTermination, type PodTerminationOutcome } from "../../../src/domain/cluster/await-pod-termination.js";
import { ClusterWatchHub } from "../../../src/domain/cluster/cluster-watch-hub.js";
import type { Job } from "../../../src/ports/kubernetes-objects.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";

const RUN_COUNTS = (process.env.BENCH_RUNS ?? "100,1000").split(",").map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const NS = "paperclip";
const LABELS = { "app.kubernetes.io/managed-by": "paperclip-claude-k8s" };
const SELECTOR = "app.kubernetes.io/managed-by=paperclip-claude-k8s";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

function job(name: string): Job {
  return {
    metadata: { name, labels: LABELS },
    spec: { template: { metadata: { labels: LABELS }, spec: { containers: [{ name: "claude", image: "x" }] } } },
  };
}

async function measure(runs: number): Promise<void> {
  const kubernetes = new FakeKubernetes();
  const hub = new ClusterWatchHub(kubernetes, new SystemClock(), { labelSelector: SELECTOR });
  const names = Array.from({ length: runs }, (_, i) => `run-${i}`);
  for (const name of names) await kubernetes.createJob(NS, job(name));
  for (const name of names) kubernetes.startPod(name);

  const heapBefore = heapMiB();
  const outcomes: Array<Promise<PodTerminationOutcome>> = names.map((jobName) =>
    awaitPodTermination(hub, kubernetes, new SystemClock(), {
      namespace: NS,
      jobName,
      maxWaitMs: 600_000,
      // Each run has its own cancellation, as in production.
      signal: new AbortController().signal,
    }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  const heapWaiting = heapMiB();

  const started = performance.now();
  let events = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      kubernetes.startPod(name, `node-${round}`);
      events++;
    }
  }
  const dispatchMs = performance.now() - started;

  for (const name of names) kubernetes.terminatePod(name, { exitCode: 0 });
  const ended = (await Promise.all(outcomes)).filter((o) => o.kind === "ended").length;
  const calls = kubernetes.calls.filter((c) => !["createJob"].includes(c.operation));
  const byOperation = new Map<string, number>();
  for (const call of calls) byOperation.set(call.operation, (byOperation.get(call.operation) ?? 0) + 1);

  console.log(
    [
      `runs=${runs}`,
      `ended=${ended}`,
      `api calls=${JSON.stringify(Object.fromEntries(byOperation))}`,
      `pod events=${events}`,
      `dispatch=${((dispatchMs * 1000) / events).toFixed(1)} µs/event (fake clone included)`,
      `heap per waiting run=${(((heapWaiting - heapBefore) * 1024) / runs).toFixed(2)} KiB`,
      `hub=${JSON.stringify(hub.stats())}`,
    ].join("  "),
  );
  hub.shutdown();
}

console.log(`node ${process.version}; ${ROUNDS} pod updates per run`);
for (const runs of RUN_COUNTS) await measure(runs);
