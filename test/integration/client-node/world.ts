/** The real client-node adapter wired to a fresh loopback apiserver, and a minimal Job to run. */
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { LoopbackKubeApi, suspendedJob, type LoopbackKubeApiOptions } from "../../support/loopback-kube-api/index.js";
import { eventually as pollUntil } from "../../support/eventually.js";

export const NAMESPACE = "agents";
export const RUN_LABEL = "app.kubernetes.io/managed-by=claude-k8s";

export interface World {
  readonly api: LoopbackKubeApi;
  readonly kubernetes: ClientNodeKubernetes;
  close(): Promise<void>;
}

export async function startWorld(
  options: LoopbackKubeApiOptions = {},
  adapter: { requestTimeoutMs?: number } = {},
): Promise<World> {
  const api = await LoopbackKubeApi.start(options);
  const kubernetes = new ClientNodeKubernetes({
    kubeConfig: api.kubeConfig(NAMESPACE),
    namespace: NAMESPACE,
    ownPodName: "paperclip-0",
    ...adapter,
  });
  return { api, kubernetes, close: () => api.close() };
}

export { suspendedJob };

/** Waits for `read` to yield a value (see test/support/eventually.ts), up to 5 s by default. */
export function eventually<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 5_000,
): Promise<T> {
  return pollUntil("condition", read, ms);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
