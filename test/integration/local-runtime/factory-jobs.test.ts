/**
 * Jobs built by the real JobManifestFactory (the real POSIX run script under dash) run on the
 * local runtime with the Claude stand-in: what a newcomer's demo and the e2e tests rely on.
 */
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import type { LocalKubernetesRuntime } from "../../../src/adapters/local-runtime/index.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import {
  JobManifestFactory,
  MAIN_CONTAINER_NAME,
  type RunManifests,
} from "../../../src/domain/job/job-manifest-factory.js";
import { defaultRunLogRoot, runFilePaths, type RunFilePaths } from "../../../src/domain/run-log-paths.js";
import { parseRunTrailer } from "../../../src/domain/run-trailer.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import {
  conditionOf,
  eventually,
  finishedJob,
  groupIsGone,
  NAMESPACE,
  podOf,
  readText,
  startHarness,
  writePrompt,
  type Harness,
} from "./local-runtime-harness.js";

interface FactoryRun {
  readonly manifests: RunManifests;
  readonly paths: RunFilePaths;
}

async function buildFactoryRun(
  harness: Harness,
  runId: string,
  options: { env?: Record<string, string>; timeoutSec?: number } = {},
): Promise<FactoryRun> {
  const config = {
    ...defaultAdapterConfig(),
    runtime: "local" as const,
    dataMountPath: harness.dataDirectory,
    timeoutSec: options.timeoutSec ?? 0,
    env: { CLAUDE_STAND_IN_DELAY_MS: "0", ...options.env },
  };
  const paths = runFilePaths(defaultRunLogRoot(harness.dataDirectory, "default"), {
    tenantId: "company-1",
    agentId: "agent-1",
    runId,
  });
  const built = new JobManifestFactory().build({
    runId,
    agentId: "agent-1",
    tenantId: "company-1",
    taskId: null,
    sessionKey: null,
    namespace: NAMESPACE,
    config,
    serverPod: await harness.runtime.readOwnPod(),
    paths,
    workingDirectory: `${harness.dataDirectory}/workspaces/agent-1`,
    claude: { resumeSessionId: null, freshSessionId: null, appendSystemPromptFile: null, addDirs: [] },
    env: { PAPERCLIP_API_URL: "http://127.0.0.1:3100", PAPERCLIP_AGENT_ID: "agent-1" },
    apiToken: "run-jwt-0123456789",
    requiresApiUrl: true,
    localApiUrl: "http://127.0.0.1:3100",
    allowLoopbackApiUrl: true,
  });
  if (!built.ok) throw new Error(built.failure.errorMessage);
  return { manifests: built.value, paths };
}

/** The orchestrator's order: prompt file, suspended Job, owned Secret, resume. */
async function launchFactoryRun(runtime: LocalKubernetesRuntime, run: FactoryRun): Promise<void> {
  await writePrompt({ job: run.manifests.job, secret: run.manifests.secret, paths: run.paths }, "Summarise the repo");
  const created = await runtime.createJob(NAMESPACE, run.manifests.job);
  await runtime.createOwnedSecret(NAMESPACE, run.manifests.secret, {
    namespace: NAMESPACE,
    name: run.manifests.jobName,
    uid: created.metadata.uid ?? "",
  });
  await runtime.resumeJob(NAMESPACE, run.manifests.jobName);
}

async function trailerOf(run: FactoryRun) {
  return parseRunTrailer((await readText(run.paths.trailer)) ?? "");
}

function mainTerminated(pod: Awaited<ReturnType<typeof podOf>>) {
  return pod.status?.containerStatuses?.find((c) => c.name === MAIN_CONTAINER_NAME)?.state?.terminated;
}

const SLOW = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "60", CLAUDE_STAND_IN_TICK_MS: "100" };

describe("local runtime running the JobManifestFactory's Jobs with the Claude stand-in", () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it("the server's Claude credentials reach claude through a Secret reference, never as a literal in the Job", async () => {
    harness = await startHarness({ serverSecretEnv: { ANTHROPIC_API_KEY: "sk-ant-local-credential" } });
    // The pod writes only inside its own mounts: the record goes in the run's own directory.
    const runDirectory = runFilePaths(defaultRunLogRoot(harness.dataDirectory, "default"), {
      tenantId: "company-1",
      agentId: "agent-1",
      runId: "run-cred",
    }).directory;
    const record = `${runDirectory}/claude-calls.ndjson`;
    const run = await buildFactoryRun(harness, "run-cred", { env: { CLAUDE_STAND_IN_RECORD: record } });
    expect(JSON.stringify(run.manifests.job)).not.toContain("sk-ant-local-credential");
    const main = run.manifests.job.spec.template.spec.containers.find((c) => c.name === MAIN_CONTAINER_NAME);
    expect(main?.env?.find((e) => e.name === "ANTHROPIC_API_KEY")).toEqual({
      name: "ANTHROPIC_API_KEY",
      valueFrom: { secretKeyRef: { name: "paperclip-local-server-env", key: "ANTHROPIC_API_KEY" } },
    });
    await launchFactoryRun(harness.runtime, run);
    await finishedJob(harness.runtime, run.manifests.jobName);
    const call = JSON.parse((await readFile(record, "utf8")).trim()) as { envKeys: string[] };
    expect(call.envKeys).toContain("ANTHROPIC_API_KEY");
  });

  it("success: the Job completes, claude's transcript and an exact trailer are on the data volume, the token came from the Secret", async () => {
    harness = await startHarness();
    // In the pod's working directory: its sandbox shows it nothing of the volume outside its mounts.
    const record = `${harness.dataDirectory}/workspaces/agent-1/claude-calls.ndjson`;
    const run = await buildFactoryRun(harness, "run-ok", { env: { CLAUDE_STAND_IN_RECORD: record } });
    await launchFactoryRun(harness.runtime, run);

    const job = await finishedJob(harness.runtime, run.manifests.jobName);
    expect(conditionOf(job, "Complete")).toBeDefined();
    const stdout = await readFile(run.paths.stdout);
    expect(await trailerOf(run)).toEqual({ version: 1, exitCode: 0, stdoutBytes: stdout.length, stderrBytes: 0 });
    expect(stdout.toString("utf8").trim().split("\n").at(-1)).toContain('"type":"result"');
    const call = JSON.parse((await readFile(record, "utf8")).trim()) as {
      argv: string[];
      prompt: string;
      cwd: string;
      envKeys: string[];
    };
    expect(call.prompt).toBe("Summarise the repo");
    expect(call.cwd).toBe(`${harness.dataDirectory}/workspaces/agent-1`);
    expect(call.envKeys).toContain("PAPERCLIP_API_KEY");
    expect(call.argv.slice(0, 4)).toEqual(["--print", "--output-format", "stream-json", "--verbose"]);
    const pod = await podOf(harness.runtime, run.manifests.jobName);
    expect(await harness.inspect.podLogs(NAMESPACE, pod.metadata.name ?? "", MAIN_CONTAINER_NAME)).toContain(
      '"type":"result"',
    );
  });

  it("claude exit 1: the Job fails, the container and the trailer both say 1", async () => {
    harness = await startHarness();
    const run = await buildFactoryRun(harness, "run-exit1", { env: { CLAUDE_STAND_IN_SCENARIO: "exit-1" } });
    await launchFactoryRun(harness.runtime, run);

    const job = await finishedJob(harness.runtime, run.manifests.jobName);
    expect(conditionOf(job, "Failed")?.reason).toBe("BackoffLimitExceeded");
    expect(mainTerminated(await podOf(harness.runtime, run.manifests.jobName))).toMatchObject({
      exitCode: 1,
      reason: "Error",
    });
    expect((await trailerOf(run))?.exitCode).toBe(1);
  });

  it("claude SIGKILLed: exit 137 in the container and the trailer, partial transcript kept byte-exact", async () => {
    harness = await startHarness();
    const run = await buildFactoryRun(harness, "run-sigkill", { env: { CLAUDE_STAND_IN_SCENARIO: "sigkill" } });
    await launchFactoryRun(harness.runtime, run);

    await finishedJob(harness.runtime, run.manifests.jobName);
    expect(mainTerminated(await podOf(harness.runtime, run.manifests.jobName))?.exitCode).toBe(137);
    const trailer = await trailerOf(run);
    expect(trailer?.exitCode).toBe(137);
    expect(trailer?.stdoutBytes).toBe((await readFile(run.paths.stdout)).length);
  });

  it("deadline exceeded: the Job fails with DeadlineExceeded, the pod and all its processes are gone", async () => {
    const clock = new ManualClock();
    harness = await startHarness({ clock });
    const run = await buildFactoryRun(harness, "run-deadline", { env: SLOW, timeoutSec: 120 });
    await launchFactoryRun(harness.runtime, run);
    await eventually("claude's output", async () =>
      (await readText(run.paths.stdout))?.includes("Still working") ? true : undefined,
    );
    const pod = await podOf(harness.runtime, run.manifests.jobName);
    const groups = harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? "");

    await clock.advance(120_000);
    await harness.runtime.settled();

    const job = await finishedJob(harness.runtime, run.manifests.jobName);
    expect(conditionOf(job, "Failed")?.reason).toBe("DeadlineExceeded");
    expect(await harness.runtime.listPods(NAMESPACE, `job-name=${run.manifests.jobName}`)).toEqual([]);
    for (const pgid of groups) expect(groupIsGone(pgid)).toBe(true);
  });

  it("delete mid-run: SIGTERM reaches the script, which stops claude and still writes its trailer; no process is left", async () => {
    harness = await startHarness({ killGraceMs: 5_000 });
    const run = await buildFactoryRun(harness, "run-delete", { env: SLOW });
    await launchFactoryRun(harness.runtime, run);
    await eventually("claude's output", async () =>
      (await readText(run.paths.stdout))?.includes("Still working") ? true : undefined,
    );
    const pod = await podOf(harness.runtime, run.manifests.jobName);
    const groups = harness.inspect.processGroupsOf(NAMESPACE, pod.metadata.name ?? "");

    await harness.runtime.deleteJob(NAMESPACE, run.manifests.jobName, "Background");
    await harness.runtime.settled();

    for (const pgid of groups) expect(groupIsGone(pgid)).toBe(true);
    expect(harness.inspect.secretNames(NAMESPACE)).toEqual([]);
    const trailer = await trailerOf(run);
    expect(trailer?.exitCode).toBe(143);
    expect(trailer?.stdoutBytes).toBe((await readFile(run.paths.stdout)).length);
  });
});
