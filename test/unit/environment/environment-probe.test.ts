import { describe, expect, it } from "vitest";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import { EnvironmentProbe } from "../../../src/domain/environment/environment-probe.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";

const ROOT = "/paperclip/instances/default/data/run-logs";

function world(
  env: Array<{ name: string; value: string }> = [
    { name: "PAPERCLIP_API_URL", value: "http://paperclip.paperclip.svc:3100" },
  ],
) {
  const kubernetes = new FakeKubernetes();
  kubernetes.ownPod = {
    metadata: { name: "paperclip-0", namespace: "paperclip" },
    spec: {
      containers: [
        { name: "paperclip", image: "paperclip:1", env, volumeMounts: [{ name: "data", mountPath: "/paperclip" }] },
      ],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
    },
  };
  const files = new InMemoryFileSystem();
  void files.makeDirectory(ROOT); // the volume as the first run left it
  return { kubernetes, files, probe: new EnvironmentProbe(kubernetes, files) };
}

const config = (overrides: Partial<AdapterConfig> = {}): AdapterConfig => ({ ...defaultAdapterConfig(), ...overrides });
const byCode = (checks: readonly { code: string; level: string }[], code: string) =>
  checks.find((c) => c.code === code);

describe("EnvironmentProbe", () => {
  it("passes a healthy cluster with one named check per concern, and leaves no probe file behind", async () => {
    const { probe, files } = world();
    const report = await probe.probe(config(), ROOT, ".probe-1");
    expect(report.status).toBe("pass");
    const codes = report.checks.map((c) => c.code);
    for (const code of [
      "k8s_api_reachable",
      "k8s_own_pod_found",
      "k8s_namespace",
      "k8s_rbac_create_jobs",
      "k8s_rbac_watch_pods",
      "data_volume_mounted",
      "run_log_root_writable",
      "paperclip_api_url",
    ]) {
      expect(codes).toContain(code);
    }
    expect(files.paths()).toEqual([]);
  });

  it("reports what a run pod inherits from the server and what it holds back, by name only", async () => {
    const { probe } = world([
      { name: "PAPERCLIP_API_URL", value: "http://paperclip.paperclip.svc:3100" },
      { name: "ANTHROPIC_API_KEY", value: "sk-ant-secret-value" },
      { name: "BETTER_AUTH_SECRET", value: "auth-secret-value" },
    ]);
    const report = await probe.probe(config({ inheritEnv: ["DATABASE_URL"] }), ROOT, ".probe-i");
    const inheritance = report.checks.find((c) => c.code === "run_pod_inheritance");
    expect(inheritance?.message).toContain("env ANTHROPIC_API_KEY;");
    expect(inheritance?.message).toContain("Held back: env PAPERCLIP_API_URL, BETTER_AUTH_SECRET");
    expect(JSON.stringify(report)).not.toContain("secret-value");
    expect(byCode(report.checks, "run_pod_inheritance_refused")?.level).toBe("warn");
  });

  it("fails the RBAC check of exactly the verb that is denied, with a hint", async () => {
    const { probe, kubernetes } = world();
    kubernetes.deniedAccess.add("patch jobs");
    const report = await probe.probe(config(), ROOT, ".probe-2");
    expect(report.status).toBe("fail");
    expect(byCode(report.checks, "k8s_rbac_patch_jobs")?.level).toBe("error");
    expect(byCode(report.checks, "k8s_rbac_create_jobs")?.level).toBe("info");
  });

  it("warns when the data claim is not ReadWriteMany", async () => {
    const { probe, kubernetes } = world();
    kubernetes.volumeClaims.set("paperclip-data", ["ReadWriteOnce"]);
    const report = await probe.probe(config(), ROOT, ".probe-3");
    expect(report.status).toBe("warn");
    expect(byCode(report.checks, "data_volume_not_rwx")?.level).toBe("warn");
  });

  it("fails when nothing is mounted at the data mount path", async () => {
    const { probe } = world();
    const report = await probe.probe(config({ dataMountPath: "/elsewhere" }), ROOT, ".probe-4");
    expect(byCode(report.checks, "data_volume_missing")?.level).toBe("error");
  });

  it("fails when the run-log root cannot be written", async () => {
    const { probe, files } = world();
    files.failNext("writeFileAtomic", "EACCES");
    const report = await probe.probe(config(), ROOT, ".probe-5");
    expect(byCode(report.checks, "run_log_root_unwritable")?.level).toBe("error");
  });

  it("fails a loopback PAPERCLIP_API_URL for cluster pods but accepts it on the local runtime", async () => {
    const loopback = [{ name: "PAPERCLIP_API_URL", value: "http://127.0.0.1:3100" }];
    const cluster = await world(loopback).probe.probe(config(), ROOT, ".probe-6");
    expect(byCode(cluster.checks, "paperclip_api_url_loopback")?.level).toBe("error");
    const local = await world(loopback).probe.probe(config({ runtime: "local" }), ROOT, ".probe-7");
    expect(byCode(local.checks, "paperclip_api_url")?.level).toBe("info");
  });

  it("reports an unreachable API and still checks what it can", async () => {
    const { probe, kubernetes } = world();
    kubernetes.failNext("readOwnPod", "network");
    const report = await probe.probe(config(), ROOT, ".probe-8");
    expect(byCode(report.checks, "k8s_api_unreachable")?.level).toBe("error");
    expect(byCode(report.checks, "run_log_root_writable")?.level).toBe("info");
  });

  it("fails a PAPERCLIP_API_URL the Job manifest would refuse (not http), like the runs would", async () => {
    const report = await world([{ name: "PAPERCLIP_API_URL", value: "paperclip:3100" }]).probe.probe(
      config(),
      ROOT,
      ".probe-9",
    );
    expect(byCode(report.checks, "paperclip_api_url_unreachable")?.level).toBe("error");
  });

  it("before the first run, probes the nearest existing parent on the volume and creates no directory", async () => {
    const { kubernetes } = world();
    const files = new InMemoryFileSystem();
    await files.makeDirectory("/paperclip");
    const before = [...files.directories].sort();
    const report = await new EnvironmentProbe(kubernetes, files).probe(config(), ROOT, ".probe-10");
    const check = byCode(report.checks, "run_log_root_writable");
    expect(check?.level).toBe("info");
    expect((check as { message?: string }).message).toContain("does not exist yet");
    expect((check as { message?: string }).message).toContain("/paperclip above it");
    expect([...files.directories].sort()).toEqual(before);
    expect(files.paths()).toEqual([]);
  });

  it("fails without writing anywhere when the data mount path itself is missing (the default on a bare server)", async () => {
    const { kubernetes } = world();
    const files = new InMemoryFileSystem();
    const report = await new EnvironmentProbe(kubernetes, files).probe(config(), ROOT, ".probe-11");
    const check = byCode(report.checks, "run_log_root_missing");
    expect(check?.level).toBe("error");
    expect((check as { message?: string }).message).toContain("/paperclip");
    expect([...files.directories]).toEqual(["/"]);
    expect(files.paths()).toEqual([]);
  });

  it("on the local runtime, reports the URL runs fall back to (Paperclip's run env) instead of failing", async () => {
    const { probe } = world([]);
    const report = await probe.probe(config({ runtime: "local" }), ROOT, ".probe-12", {
      localApiUrl: "http://localhost:3100",
    });
    const check = byCode(report.checks, "paperclip_api_url");
    expect(check?.level).toBe("info");
    expect((check as { message?: string }).message).toContain("http://localhost:3100");
  });

  it("never uses Paperclip's run-env URL for cluster pods (their loopback is not the server)", async () => {
    const { probe } = world([]);
    const report = await probe.probe(config(), ROOT, ".probe-13", { localApiUrl: "http://localhost:3100" });
    expect(byCode(report.checks, "paperclip_api_url_missing")?.level).toBe("error");
  });
});
