/** What the run's Job takes from the Paperclip server pod, and its resources and security settings. */
import { describe, expect, it } from "vitest";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { runSpec } from "./manifest-fixtures.js";
import { build, envOf, init, literal, main, refuse } from "./manifest-readers.js";

describe("inheritance from the Paperclip server pod", () => {
  it("takes the server container's image (the one named paperclip), pull secrets and DNS settings", () => {
    const m = build(runSpec());
    const pod = m.job.spec.template.spec;
    expect(main(m).image).toBe("ghcr.io/paperclipai/paperclip:2026.916.1");
    expect(init(m).image).toBe("ghcr.io/paperclipai/paperclip:2026.916.1");
    expect(pod.imagePullSecrets).toEqual([{ name: "ghcr-pull" }]);
    expect(pod.dnsPolicy).toBe("ClusterFirst");
    expect(pod.dnsConfig).toEqual({ options: [{ name: "ndots", value: "2" }] });
  });

  it("lets config override the image and pull policy", () => {
    const m = build(runSpec({}, { image: "registry/claude:1", imagePullPolicy: "Always" }));
    expect(main(m).image).toBe("registry/claude:1");
    expect(main(m).imagePullPolicy).toBe("Always");
    expect(init(m).imagePullPolicy).toBe("Always");
  });

  it("mounts the server's data PVC by subPath only: run directory, read-only prompt, workspace and agent home", () => {
    const m = build(runSpec());
    expect(m.job.spec.template.spec.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } },
    ]);
    const run = "instances/default/data/run-logs/company-1/agent-2/run-3";
    const home = "claude-k8s/companies/company-1/agents/agent-2/home";
    expect(main(m).volumeMounts).toEqual([
      { name: "data", subPath: run, mountPath: `/paperclip/${run}`, readOnly: false },
      { name: "data", subPath: `${run}/prompt.md`, mountPath: `/paperclip/${run}/prompt.md`, readOnly: true },
      { name: "data", subPath: "workspaces/agent-2", mountPath: "/paperclip/workspaces/agent-2", readOnly: false },
      { name: "data", subPath: home, mountPath: `/paperclip/${home}`, readOnly: false },
    ]);
    expect(init(m).volumeMounts).toEqual([
      { name: "data", subPath: run, mountPath: `/paperclip/${run}`, readOnly: false },
    ]);
  });

  it("inherits by default only the env Claude needs to reach its model, no envFrom and no secret volume", () => {
    const m = build(runSpec());
    expect(envOf(m).find((e) => e.name === "ANTHROPIC_API_KEY")).toEqual({
      name: "ANTHROPIC_API_KEY",
      valueFrom: { secretKeyRef: { name: "anthropic", key: "api-key" } },
    });
    const names = envOf(m).map((e) => e.name);
    expect(names).not.toContain("NODE_OPTIONS");
    expect(names).not.toContain("POD_IP");
    expect(names).not.toContain("PAPERCLIP_RUNTIME_API_URL");
    expect(main(m).envFrom).toBeUndefined();
    expect(main(m).volumeMounts?.map((v) => v.name)).not.toContain("claude-creds");
  });

  it("inherits the env names, envFrom sources and secret volumes the operator lists", () => {
    const m = build(
      runSpec(
        {},
        {
          inheritEnv: ["NODE_*", "POD_IP"],
          inheritEnvFrom: ["paperclip-extra"],
          inheritSecretVolumes: ["claude-credentials"],
        },
      ),
    );
    expect(literal(m, "NODE_OPTIONS")).toBe("--max-old-space-size=4096");
    expect(envOf(m).find((e) => e.name === "POD_IP")?.valueFrom).toEqual({ fieldRef: { fieldPath: "status.podIP" } });
    expect(main(m).envFrom).toEqual([{ secretRef: { name: "paperclip-extra" } }]);
    expect(m.job.spec.template.spec.volumes?.map((v) => v.name)).toEqual(["data", "claude-creds"]);
    expect(main(m).volumeMounts?.at(-1)).toEqual({ name: "claude-creds", mountPath: "/etc/claude", readOnly: true });
  });

  it("does not pass on the server's own PAPERCLIP_* settings or empty values", () => {
    const names = envOf(build(runSpec())).map((e) => e.name);
    expect(names).not.toContain("PAPERCLIP_AGENT_JWT_SECRET");
    expect(names).not.toContain("EMPTY_ONE");
  });

  it("inherits nodeSelector and tolerations unless config sets them", () => {
    const inherited = build(runSpec()).job.spec.template.spec;
    expect(inherited.nodeSelector).toEqual({ pool: "paperclip" });
    expect(inherited.tolerations).toEqual([
      { key: "dedicated", operator: "Equal", value: "paperclip", effect: "NoSchedule" },
    ]);
    const configured = build(
      runSpec({}, { nodeSelector: { gpu: "yes" }, tolerations: [{ key: "gpu", operator: "Exists" }] }),
    ).job.spec.template.spec;
    expect(configured.nodeSelector).toEqual({ gpu: "yes" });
    expect(configured.tolerations).toEqual([{ key: "gpu", operator: "Exists" }]);
  });

  it("falls back to the first container when none is named paperclip, and continues the server mount's own subPath", () => {
    const spec = runSpec();
    const pod = structuredClone(spec.serverPod);
    pod.spec.containers = [
      {
        name: "server",
        image: "img:1",
        env: [{ name: "PAPERCLIP_API_URL", value: "http://paperclip.svc:3100" }],
        volumeMounts: [{ name: "data", mountPath: "/paperclip/", subPath: "tenant-a" }],
      },
    ];
    const m = build({ ...spec, serverPod: pod });
    expect(main(m).image).toBe("img:1");
    expect(main(m).volumeMounts?.[0]).toEqual({
      name: "data",
      mountPath: "/paperclip/instances/default/data/run-logs/company-1/agent-2/run-3",
      subPath: "tenant-a/instances/default/data/run-logs/company-1/agent-2/run-3",
      readOnly: false,
    });
    expect(main(m).volumeMounts?.every((mount) => mount.subPath?.startsWith("tenant-a/"))).toBe(true);
  });

  it("refuses with a named error when the server pod has no PVC at the data mount path", () => {
    const failure = refuse(
      runSpec(
        {
          workingDirectory: "/data/ws",
          paths: runFilePaths("/data/run-logs", { tenantId: "company-1", agentId: "agent-2", runId: "run-3" }),
        },
        { dataMountPath: "/data" },
      ),
    );
    expect(failure.errorCode).toBe("invalid_config");
    expect(failure.details.field).toBe("dataMountPath");
    expect(failure.errorMessage).toContain("no PersistentVolumeClaim mounted at /data");
  });

  it("refuses when neither config nor the server pod gives an image", () => {
    const spec = runSpec();
    const pod = structuredClone(spec.serverPod);
    for (const c of pod.spec.containers) delete c.image;
    const failure = refuse({ ...spec, serverPod: pod });
    expect(failure.errorCode).toBe("invalid_config");
    expect(failure.details.field).toBe("image");
  });
});

describe("resources, service account and security", () => {
  it("uses config resources and a small fixed budget for the init container", () => {
    const resources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } };
    const m = build(runSpec({}, { resources }));
    expect(main(m).resources).toEqual(resources);
    expect(init(m).resources?.limits).toEqual({ cpu: "100m", memory: "64Mi" });
  });

  it("mounts no API token into the pod unless a service account is configured", () => {
    const plain = build(runSpec()).job.spec.template.spec;
    expect(plain.automountServiceAccountToken).toBe(false);
    expect(plain).not.toHaveProperty("serviceAccountName");
    const withSa = build(runSpec({}, { serviceAccountName: "agent-sa" })).job.spec.template.spec;
    expect(withSa.serviceAccountName).toBe("agent-sa");
    expect(withSa).not.toHaveProperty("automountServiceAccountToken");
  });

  it("runs pod and containers as the configured non-root uid/gid with fsGroup, no capabilities, no escalation", () => {
    const m = build(runSpec({}, { runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 }));
    expect(m.job.spec.template.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 2000,
      runAsGroup: 3000,
      fsGroup: 4000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const container of [main(m), init(m)]) {
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 2000,
        runAsGroup: 3000,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  it("defaults to uid, gid and fsGroup 1000", () => {
    expect(build(runSpec()).job.spec.template.spec.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
    });
  });
});
