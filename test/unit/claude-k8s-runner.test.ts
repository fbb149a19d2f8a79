import { describe, expect, it } from "vitest";
import { createClaudeK8sRunner, type ClaudeRunRequest } from "../../src/claude-k8s-runner.js";
import type { EnvVar } from "../../src/ports/kubernetes-objects.js";
import { RUN_LOG_ROOT, RunWorld } from "./run/run-world.js";

const SESSION = "3f1c2a4e-0000-4000-8000-000000000001";
const API_TOKEN = "tenant-api-token-0123456789";

function runnerWorld() {
  const world = new RunWorld();
  const runner = createClaudeK8sRunner({
    bindings: { kubernetes: world.kubernetes, fileSystem: world.files, clock: world.clock },
    config: { namespace: "paperclip" },
  });
  const request: ClaudeRunRequest = {
    runId: "run-1",
    tenantId: "company-1",
    agentId: "agent-1",
    prompt: "Do the task.",
    runLogRoot: RUN_LOG_ROOT,
    sessionId: SESSION,
  };
  const jobEnv = (): EnvVar[] => {
    const [job] = world.kubernetes.jobs.values();
    return job?.spec.template.spec.containers.find((c) => c.name === "claude")?.env ?? [];
  };
  return { world, runner, request, jobEnv };
}

describe("createClaudeK8sRunner (the embedding facade)", () => {
  it("runs a generic request to a successful outcome: tenant as the company, the agent's own workspace, no API URL needed", async () => {
    const { world, runner, request, jobEnv } = runnerWorld();
    const statuses: string[] = [];
    const done = runner.run(request, { onStatus: async (line) => void statuses.push(line) });
    await world.until(() => world.kubernetes.jobs.size === 1, "Job created");
    const env = jobEnv();
    expect(env.map((e) => e.name)).not.toContain("PAPERCLIP_API_URL");
    expect(env.map((e) => e.name)).not.toContain("PAPERCLIP_API_KEY");
    expect(env.find((e) => e.name === "HOME")?.value).toBe(
      "/paperclip/claude-k8s/companies/company-1/agents/agent-1/home",
    );
    await world.playPod();
    const result = await done;

    if (!result.ok) throw new Error(result.failure.errorMessage);
    expect(result.value.outcome.failure).toBeNull();
    expect(result.value.outcome.sessionId).toBe(SESSION);
    expect(statuses.some((line) => line.includes("created"))).toBe(true);
    await runner.dispose();
  });

  it("hands an API token to the pod only through the run's Secret, next to the configured API URL", async () => {
    const { world, runner, request, jobEnv } = runnerWorld();
    const done = runner.run({
      ...request,
      apiToken: API_TOKEN,
      config: { paperclipApiUrl: "http://orchestrator.tenants.svc:8080" },
    });
    await world.until(() => world.kubernetes.jobs.size === 1, "Job created");
    const env = jobEnv();
    expect(env.find((e) => e.name === "PAPERCLIP_API_URL")?.value).toBe("http://orchestrator.tenants.svc:8080");
    expect(env.find((e) => e.name === "PAPERCLIP_API_KEY")?.valueFrom?.secretKeyRef).toBeDefined();
    expect(JSON.stringify([...world.kubernetes.jobs.values()])).not.toContain(API_TOKEN);
    await world.playPod();
    const result = await done;
    expect(result.ok && result.value.outcome.failure).toBeNull();
    await runner.dispose();
  });

  it("refuses a run with an API token but no URL its pod could reach, by name", async () => {
    const { world, runner, request } = runnerWorld();
    const result = await runner.run({ ...request, apiToken: API_TOKEN });
    if (!result.ok) throw new Error(result.failure.errorMessage);
    expect(result.value.outcome.failure?.errorCode).toBe("paperclip_api_url_unreachable");
    expect(world.kubernetes.jobs.size).toBe(0);
    await runner.dispose();
  });

  it("answers bad config with a failure value before anything reaches the cluster", async () => {
    const { world, runner, request } = runnerWorld();
    const result = await runner.run({ ...request, config: { timeoutSec: "soon" } });
    expect(result).toMatchObject({ ok: false, failure: { errorCode: "invalid_config" } });
    expect(world.kubernetes.calls).toEqual([]);
    await runner.dispose();
  });

  it("probes without creating anything, and needs no API URL for runs that carry no token", async () => {
    const { world, runner } = runnerWorld();
    const probed = await runner.probe();
    if (!probed.ok) throw new Error(probed.failure.errorMessage);
    const apiUrlCheck = probed.value.checks.find((check) => check.code.startsWith("paperclip_api_url"));
    expect(apiUrlCheck).toMatchObject({ level: "info", code: "paperclip_api_url" });
    expect(world.kubernetes.calls.map((c) => c.operation)).not.toContain("createJob");
    await runner.dispose();
  });
});
