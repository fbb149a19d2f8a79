import type { Pod } from "../../ports/kubernetes-objects.js";

export const LOCAL_DATA_VOLUME_NAME = "paperclip-data";

export interface OwnPodFacts {
  readonly namespace: string;
  readonly dataDirectory: string;
  readonly dataClaimName: string;
  /** Literal env of the "server container" (e.g. PAPERCLIP_API_URL) for Jobs to inherit. */
  readonly env: Readonly<Record<string, string>>;
  /** Env names the server container takes from a Secret (`secretKeyRef`, key = name), as Jobs then do. */
  readonly secretEnv?: { readonly secretName: string; readonly names: readonly string[] };
}

export const LOCAL_SERVER_SECRET_NAME = "paperclip-local-server-env";

/**
 * "This machine" as a pod, so the Job manifest factory's inheritance works unchanged: image
 * "local", and the data claim mounted at the data directory itself (the identity mapping of
 * mount-table.ts).
 */
export function syntheticOwnPod(facts: OwnPodFacts): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "paperclip-local",
      namespace: facts.namespace,
      uid: "local-runtime-server-pod",
      labels: { app: "paperclip", "app.kubernetes.io/name": "paperclip" },
    },
    spec: {
      nodeName: "local",
      containers: [
        {
          name: "paperclip",
          image: "local",
          env: [
            ...Object.entries(facts.env).map(([name, value]) => ({ name, value })),
            ...(facts.secretEnv?.names ?? []).map((name) => ({
              name,
              valueFrom: { secretKeyRef: { name: facts.secretEnv!.secretName, key: name } },
            })),
          ],
          volumeMounts: [{ name: LOCAL_DATA_VOLUME_NAME, mountPath: facts.dataDirectory }],
        },
      ],
      volumes: [{ name: LOCAL_DATA_VOLUME_NAME, persistentVolumeClaim: { claimName: facts.dataClaimName } }],
    },
    status: { phase: "Running" },
  };
}
