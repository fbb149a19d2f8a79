/**
 * The loopback apiserver and the client-node adapter under N concurrent runs (default 50, 144,
 * 500): every run creates a suspended Job and its owned Secret, resumes it, waits (on the ONE
 * shared Job watch) for its pod to finish after RUN_MS, and deletes the Job. Prints wall time, API
 * requests by verb and resource, requests per run, CPU and heap — client and server share this
 * process, so the CPU figure bounds both.
 *
 *   npx esbuild test/bench/loopback-kube-api/loopback-scale-bench.ts --bundle --platform=node \
 *     --format=esm --packages=external --outfile=.cache/loopback-bench/bench.mjs \
 *     && node --expose-gc .cache/loopback-bench/bench.mjs
 *
 * Env: BENCH_RUNS (50,144,500), BENCH_RUN_MS (2000).
 */
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { isJobFinished } from "../../../src/adapters/cluster-model/job-conditions.js";
import { LoopbackKubeApi, ScriptedKubelet, suspendedJob } from "../../support/loopback-kube-api/index.js";

const RUNS = (process.env.BENCH_RUNS ?? "50,144,500").split(",").map(Number);
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 2000);
const NAMESPACE = "agents";
const SELECTOR = "app.kubernetes.io/managed-by=claude-k8s";

async function measure(runs: number): Promise<void> {
  const api = await LoopbackKubeApi.start({
    kubelet: new ScriptedKubelet({ kind: "run", runMs: RUN_MS, exitCode: 0 }),
  });
  const kubernetes = new ClientNodeKubernetes({ kubeConfig: api.kubeConfig(NAMESPACE), namespace: NAMESPACE });
  const waiters = new Map<string, () => void>();
  const subscription = kubernetes.watchJobs(NAMESPACE, SELECTOR, {
    onEvent: (_type, j) => {
      if (isJobFinished(j)) waiters.get(j.metadata.name ?? "")?.();
    },
    onError: (error) => console.error(`watch failed: ${error.message}`),
  });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let peakHeap = 0;
  const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 100);

  await Promise.all(
    Array.from({ length: runs }, async (_, i) => {
      const name = `run-${i}`;
      const done = new Promise<void>((resolve) => waiters.set(name, resolve));
      const created = await kubernetes.createJob(NAMESPACE, suspendedJob(name));
      await kubernetes.createOwnedSecret(
        NAMESPACE,
        { metadata: { name: `${name}-env` }, stringData: { TOKEN: name } },
        { namespace: NAMESPACE, name, uid: created.metadata.uid ?? "" },
      );
      await kubernetes.resumeJob(NAMESPACE, name);
      await done;
      await kubernetes.deleteJob(NAMESPACE, name, "Background");
    }),
  );

  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuBefore);
  subscription.stop();
  const requests = api.requests.snapshot();
  const total = api.requests.total;
  await api.close();
  const runMinutes = (runs * RUN_MS) / 60_000;
  console.log(
    `runs=${runs} run_ms=${RUN_MS} wall=${seconds.toFixed(2)}s cpu=${((cpu.user + cpu.system) / 1000).toFixed(0)}ms ` +
      `cpu_per_run=${((cpu.user + cpu.system) / 1000 / runs).toFixed(2)}ms peak_heap_delta=${((peakHeap - heapBefore) / 1024 / 1024).toFixed(1)}MiB`,
  );
  console.log(
    `  requests=${total} per_run=${(total / runs).toFixed(2)} per_run_minute=${(total / runMinutes).toFixed(2)} ${JSON.stringify(requests)}`,
  );
}

for (const runs of RUNS) await measure(runs);
