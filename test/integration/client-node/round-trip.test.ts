/**
 * client-node serializes request bodies through its generated models, which silently drop any
 * field the model does not know. These tests prove every field our port types carry survives.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import { ScriptedKubelet } from "../../support/loopback-kube-api/index.js";
import { eventually, NAMESPACE, RUN_LABEL, startWorld, type World } from "./world.js";

function fullyPopulatedJob(name: string): Job {
  const labels = { "app.kubernetes.io/managed-by": "claude-k8s", "claude-k8s/run": name };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name, labels, annotations: { "claude-k8s/log-path": "/paperclip/runs/r1/stdout.ndjson" } },
    spec: {
      suspend: true,
      backoffLimit: 0,
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 600,
      podReplacementPolicy: "Failed",
      template: {
        metadata: { labels, annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: "paperclip",
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: 30,
          imagePullSecrets: [{ name: "regcred" }],
          nodeSelector: { "kubernetes.io/arch": "amd64" },
          tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 60 }],
          dnsPolicy: "None",
          dnsConfig: {
            nameservers: ["10.0.0.10"],
            searches: ["svc.cluster.local"],
            options: [{ name: "ndots", value: "2" }],
          },
          securityContext: {
            runAsUser: 1000,
            runAsGroup: 1000,
            runAsNonRoot: true,
            fsGroup: 1000,
            fsGroupChangePolicy: "OnRootMismatch",
            seccompProfile: { type: "RuntimeDefault" },
          },
          volumes: [
            { name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } },
            { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
            {
              name: "prompt",
              secret: {
                secretName: `${name}-env`,
                items: [{ key: "prompt", path: "prompt.md", mode: 0o400 }],
                defaultMode: 0o440,
              },
            },
            { name: "cfg", configMap: { name: "claude-cfg", optional: true } },
          ],
          initContainers: [{ name: "prepare", image: "busybox:1", command: ["sh", "-c", "true"] }],
          containers: [
            {
              name: "claude",
              image: "ghcr.io/paperclipai/paperclip:1",
              imagePullPolicy: "IfNotPresent",
              command: ["/bin/sh", "-c"],
              args: ["exec claude -p"],
              workingDir: "/paperclip/work",
              env: [
                { name: "PLAIN", value: "1" },
                { name: "TOKEN", valueFrom: { secretKeyRef: { name: `${name}-env`, key: "TOKEN", optional: false } } },
                { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name", apiVersion: "v1" } } },
                {
                  name: "MEM",
                  valueFrom: {
                    resourceFieldRef: { resource: "limits.memory", containerName: "claude", divisor: "1Mi" },
                  },
                },
                { name: "CFG", valueFrom: { configMapKeyRef: { name: "claude-cfg", key: "x", optional: true } } },
              ],
              envFrom: [
                { prefix: "S_", secretRef: { name: `${name}-env`, optional: true } },
                { configMapRef: { name: "claude-cfg", optional: true } },
              ],
              volumeMounts: [
                { name: "data", mountPath: "/paperclip" },
                { name: "prompt", mountPath: "/run/prompt", readOnly: true },
                { name: "tmp", mountPath: "/tmp", subPath: "t" },
              ],
              resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { memory: "4Gi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              terminationMessagePolicy: "FallbackToLogsOnError",
            },
          ],
        },
      },
    },
  };
}

describe("every field of our object types survives client-node's serializer", () => {
  let world: World;
  beforeEach(async () => {
    world = await startWorld({ kubelet: new ScriptedKubelet({ kind: "neverStarts" }) });
  });
  afterEach(() => world.close());

  it("a fully populated Job reaches the apiserver, and comes back, unchanged", async () => {
    const job = fullyPopulatedJob("run-full");

    const returned = await world.kubernetes.createJob(NAMESPACE, job);

    expect(world.api.get("jobs", NAMESPACE, "run-full")?.spec).toEqual(job.spec);
    expect(world.api.get("jobs", NAMESPACE, "run-full")?.metadata.annotations).toEqual(job.metadata.annotations);
    expect(returned.spec).toEqual(job.spec);
    expect(returned.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("a pod's status read through a list and a watch keeps every port field", async () => {
    const seeded: Pod = {
      metadata: { name: "p1", namespace: NAMESPACE, labels: { "app.kubernetes.io/managed-by": "claude-k8s" } },
      spec: { containers: [{ name: "claude", image: "i" }], nodeName: "node-a" },
      status: {
        phase: "Failed",
        reason: "Evicted",
        message: "The node was low on resource: memory.",
        conditions: [{ type: "PodScheduled", status: "True", reason: "r", message: "m" }],
        initContainerStatuses: [
          {
            name: "prepare",
            ready: false,
            restartCount: 0,
            image: "busybox:1",
            state: { terminated: { exitCode: 0, reason: "Completed" } },
          },
        ],
        containerStatuses: [
          {
            name: "claude",
            ready: false,
            restartCount: 1,
            image: "i",
            state: {
              terminated: {
                exitCode: 137,
                signal: 9,
                reason: "OOMKilled",
                message: "oom",
                startedAt: "2026-01-01T00:00:00Z",
                finishedAt: "2026-01-01T00:01:00Z",
              },
            },
          },
        ],
      },
    };
    world.api.seedPod(seeded);
    const seen: Pod[] = [];
    const subscription = world.kubernetes.watchPods(NAMESPACE, RUN_LABEL, { onEvent: (_t, pod) => seen.push(pod) });

    const [listed] = await world.kubernetes.listPods(NAMESPACE, RUN_LABEL);
    await eventually(() => seen.length === 1);
    subscription.stop();

    // client-node turns timestamps into Dates and back: same instant, normalised spelling.
    const normalise = (pod: Pod | undefined) =>
      JSON.parse(JSON.stringify(pod?.status).replace(/:00\.000Z/g, ":00Z")) as unknown;
    expect(normalise(listed)).toEqual(seeded.status);
    expect(normalise(seen[0])).toEqual(seeded.status);
  });
});
