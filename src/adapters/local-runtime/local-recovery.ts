/**
 * Takes over what a runtime left when its server died: its Jobs, Secrets and pods are back in the
 * store at once (the one-Job-per-agent guard sees them before anything else can be created); the
 * pods' processes that still run are followed until they end, those that ended report how, and
 * deadlines and TTLs go on. A pod whose Job is gone is deleted, as the garbage collector would.
 */
import type { LogPort } from "../../ports/log-port.js";
import type { JobController } from "../cluster-model/job-controller.js";
import { nameOf } from "../cluster-model/pod-lifecycle.js";
import type { LocalClusterStore } from "./local-cluster-store.js";
import type { LocalKubelet } from "./local-kubelet.js";
import type { RecoveredState } from "./runtime-state-directory.js";

const ignore = (): void => undefined;

export interface TakeOverContext {
  readonly store: LocalClusterStore;
  readonly controller: JobController;
  readonly kubelet: LocalKubelet;
  readonly log: LogPort | undefined;
  readonly dataDirectory: string;
}

export async function takeOver(state: RecoveredState, context: TakeOverContext): Promise<void> {
  const { store, controller, kubelet } = context;
  const { objects } = store;
  for (const secret of state.secrets) objects.restore("secrets", secret);
  for (const record of state.pods) {
    // Known before the pod is, so the pod is written back to disk with its processes.
    store.podRuntime(record.pod).recovered = record;
    objects.restore("pods", record.pod);
    const secrets = controller.pods.secretsOf(record.pod);
    controller.follow(record.pod, (report) => kubelet.adopt(record.pod, secrets, report));
  }
  // Restored Jobs are reconciled: deadlines and TTLs go on, a started Job without a pod gets one.
  for (const job of state.jobs) objects.restore("jobs", job);
  if (state.jobs.length + state.pods.length === 0) return;
  for (const { pod } of state.pods) {
    const owner = pod.metadata.ownerReferences?.find((o) => o.kind === "Job");
    const orphaned = owner !== undefined && objects.byUid("jobs", owner.uid) === undefined;
    // A deletion the dead server had begun goes on (its processes are known again first).
    if (orphaned || pod.metadata.deletionTimestamp) void controller.pods.delete(...nameOf(pod)).catch(ignore);
  }
  for (const job of state.jobs) {
    if (job.metadata.deletionTimestamp) void controller.deleteJob(...nameOf(job), "Background").catch(ignore);
  }
  controller.collectSecrets();
  context.log?.info(
    `[claude-k8s] local runtime: took over ${state.jobs.length} Job(s) and ${state.pods.length} pod(s) a server that died left in ${context.dataDirectory}`,
  );
}
