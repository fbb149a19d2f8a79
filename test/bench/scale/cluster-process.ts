/**
 * The cluster side of the scale bench, run as a child process of the driver: the loopback
 * apiserver (counting every request by verb and resource) with the stand-in kubelet, and the
 * Paperclip server's own pod seeded for the Jobs to inherit from. Driven over IPC (cluster-protocol.ts).
 */
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { LoopbackKubeApi } from "../../support/loopback-kube-api/index.js";
import { CLUSTER_SETUP_ENV, type ClusterSetup, type FromCluster, type ToCluster } from "./cluster-protocol.js";
import { StandInKubelet } from "./stand-in-kubelet.js";

function serverPod(setup: ClusterSetup): Pod {
  return {
    metadata: { name: setup.ownPodName, namespace: setup.namespace, labels: { app: "paperclip" } },
    spec: {
      containers: [
        {
          name: "paperclip",
          image: "ghcr.io/paperclipai/paperclip:2026.916.1",
          env: [{ name: "PAPERCLIP_API_URL", value: "http://paperclip.paperclip.svc:3100" }],
          volumeMounts: [{ name: "data", mountPath: setup.dataMountPath }],
        },
      ],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
    },
  };
}

const send = (message: FromCluster) => process.send?.(message);

async function main(): Promise<void> {
  const setup = JSON.parse(process.env[CLUSTER_SETUP_ENV] ?? "null") as ClusterSetup | null;
  if (!setup || !process.send) throw new Error(`run me from the scale bench (needs IPC and ${CLUSTER_SETUP_ENV})`);
  const kubelet = new StandInKubelet(setup.plan, {
    onRunning: (runId) => send({ kind: "running", runId }),
    onEnded: (ended) => send({ kind: "ended", ended }),
  });
  const api = await LoopbackKubeApi.start({ kubelet });
  api.seedPod(serverPod(setup));
  process.on("message", (message: ToCluster) => {
    switch (message.kind) {
      case "begin-active":
        kubelet.beginActive();
        return;
      case "requests":
        send({ kind: "requests", counts: api.requests.snapshot() });
        return;
      case "close":
        void api.close().then(() => {
          send({ kind: "closed" });
          process.disconnect();
        });
        return;
    }
  });
  // The driver going away (crash, Ctrl-C) must not leave this process behind.
  process.on("disconnect", () => void api.close().finally(() => process.exit(0)));
  send({ kind: "ready", url: api.url, token: api.token });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
