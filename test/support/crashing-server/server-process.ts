/**
 * A Paperclip server as its own process, for crash tests: it builds the composition root over the
 * local runtime or the real client-node (against the test's loopback apiserver), runs ONE request
 * and reports its lines and report over IPC. Told a crash point, it SIGKILLs itself there — a
 * real SIGKILL: nothing it started gets a chance to clean up, its pods and files live on.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { LocalKubernetesRuntime } from "../../../src/adapters/local-runtime/index.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { createContainer } from "../../../src/container.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import type { KubernetesPort } from "../../../src/ports/kubernetes-port.js";
import { LocalRuntimeInspector } from "../local-runtime-inspector.js";
import { crashingKubernetes, crashingObserver } from "./crash-points.js";
import { SERVER_SETUP_ENV, type FromServer, type RuntimeHoldings, type ServerSetup } from "./server-protocol.js";

const send = (message: FromServer) => process.send?.(message);

function kubernetesFor(setup: ServerSetup): { port: KubernetesPort; local: LocalKubernetesRuntime | null } {
  const runtime = setup.runtime;
  if (runtime.kind === "local") {
    const local = new LocalKubernetesRuntime({
      dataDirectory: runtime.dataDirectory,
      pathPrepend: runtime.pathPrepend,
      programDirectories: runtime.programDirectories,
      killGraceMs: runtime.killGraceMs,
      serverEnv: runtime.serverEnv,
      retryMs: 50,
    });
    return { port: local, local };
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(runtime.kubeconfig);
  const port = new ClientNodeKubernetes({ kubeConfig, namespace: runtime.namespace, ownPodName: runtime.ownPodName });
  return { port, local: null };
}

async function holdingsOf(
  local: LocalKubernetesRuntime,
  dataDirectory: string,
  namespace: string,
): Promise<RuntimeHoldings> {
  const names = (objects: Array<{ metadata: { name?: string } }>) => objects.map((o) => o.metadata.name ?? "");
  return {
    jobs: names(await local.listJobs(namespace, "")),
    secrets: LocalRuntimeInspector.ofDataDirectory(dataDirectory).secretNames(namespace),
    pods: names(await local.listPods(namespace, "")),
  };
}

async function main(): Promise<void> {
  const setup = JSON.parse(process.env[SERVER_SETUP_ENV] ?? "null") as ServerSetup | null;
  if (!setup || !process.send) throw new Error(`run me from a crash test (needs IPC and ${SERVER_SETUP_ENV})`);
  const { port, local } = kubernetesFor(setup);
  const crashAt = setup.crashAt;
  const container = createContainer({
    bindings: {
      kubernetes: crashingKubernetes(port, crashAt),
      fileSystem: new NodeFileSystem(),
    },
    ...(setup.reconciler ? { reconciler: setup.reconciler } : {}),
  });
  const observer = crashingObserver(
    {
      onLog: async (stream, chunk) => void send({ kind: "log", stream, chunk }),
      onStatus: async (line) => void send({ kind: "status", line }),
    },
    crashAt,
  );
  const report = await container.get(RunOrchestrator).run(setup.request, observer, new AbortController().signal);
  const namespace = report.namespace ?? (await port.currentNamespace());
  const holdings =
    local && setup.runtime.kind === "local" ? await holdingsOf(local, setup.runtime.dataDirectory, namespace) : null;
  send({ kind: "done", report, holdings });
  // Stays up (its pods with it) until the test kills it: an exit would run the local runtime's exit cleanup.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`crashing server failed: ${String(error)}\n`);
  process.exit(70);
});
