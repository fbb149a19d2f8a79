import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalKubernetesRuntime, isGroupAlive } from "../../../src/adapters/local-runtime/index.js";
import { signalProcess } from "../../../src/adapters/local-runtime/process-group.js";
import type { PodRecord } from "../../../src/adapters/local-runtime/runtime-state-directory.js";
import { createContainer } from "../../../src/container.js";
import type { AgentRunRequest, RunReport } from "../../../src/domain/run/agent-run-request.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";
import { CrashingServer } from "../../support/crashing-server/crashing-server.js";
import type { CrashPoint } from "../../support/crashing-server/server-protocol.js";
import { eventually } from "../../support/eventually.js";
import { deliveredTranscript } from "../../support/run-harness/delivered-transcript.js";
import { processesNaming } from "../../support/run-harness/live-processes.js";
import { PAPERCLIP_API_URL, runRequest } from "../../support/run-harness/run-harness.js";

const NAMESPACE = "local";
const KILL_GRACE_MS = 500;
const SERVER_ENV = { PAPERCLIP_API_URL };

/** A data directory, the servers on it, and what the crashed server left for the next one. */
class CrashScene {
  readonly servers: CrashingServer[] = [];
  readonly runtimes: LocalKubernetesRuntime[] = [];

  private constructor(readonly dataDirectory: string) {}

  static async create(): Promise<CrashScene> {
    return new CrashScene(await mkdtemp(`${tmpdir()}/claude-k8s-crash-`));
  }

  get stateDirectory(): string {
    return `${this.dataDirectory}/.local-runtime`;
  }

  get recordFile(): string {
    return `${this.dataDirectory}/instances/default/workspaces/agent-1/.claude-invocations`;
  }

  request(runId: string, env: Record<string, string>, overrides: Partial<AgentRunRequest> = {}): AgentRunRequest {
    return runRequest(this.dataDirectory, { CLAUDE_STAND_IN_RECORD: this.recordFile, ...env }, { runId, ...overrides });
  }

  /** Server A runs `request` in its own process and SIGKILLs itself at `point`. */
  async crashDuring(request: AgentRunRequest, point: CrashPoint): Promise<CrashingServer> {
    const server = await CrashingServer.start({
      runtime: {
        kind: "local",
        dataDirectory: this.dataDirectory,
        pathPrepend: [claudeStandInBinDirectory()],
        programDirectories: [dirname(claudeStandInBinDirectory())],
        killGraceMs: KILL_GRACE_MS,
        serverEnv: SERVER_ENV,
      },
      request,
      crashAt: point,
    });
    this.servers.push(server);
    await server.gone();
    return server;
  }

  /** The restarted server's runtime, in this process. */
  restartedRuntime(): LocalKubernetesRuntime {
    const runtime = new LocalKubernetesRuntime({
      dataDirectory: this.dataDirectory,
      pathPrepend: [claudeStandInBinDirectory()],
      killGraceMs: KILL_GRACE_MS,
      serverEnv: SERVER_ENV,
      retryMs: 50,
    });
    this.runtimes.push(runtime);
    return runtime;
  }

  podProcesses(): number[] {
    return processesNaming(this.dataDirectory);
  }

  invocations(): number {
    return existsSync(this.recordFile) ? readFileSync(this.recordFile, "utf8").split("\n").filter(Boolean).length : 0;
  }

  /** Pod, Job and Secret records left in the runtime state on disk, by kind. */
  stateRecords(): Record<string, string[]> {
    const records: Record<string, string[]> = { jobs: [], pods: [], secrets: [] };
    for (const runtime of readdirSync(this.stateDirectory)) {
      for (const kind of Object.keys(records)) {
        const directory = `${this.stateDirectory}/${runtime}/${kind}`;
        if (existsSync(directory)) records[kind]?.push(...readdirSync(directory));
      }
    }
    return records;
  }

  podRecordFiles(): string[] {
    return readdirSync(this.stateDirectory).flatMap((runtime) => {
      const directory = `${this.stateDirectory}/${runtime}/pods`;
      return existsSync(directory) ? readdirSync(directory).map((file) => `${directory}/${file}`) : [];
    });
  }

  async close(): Promise<void> {
    for (const server of this.servers) await server.kill();
    for (const runtime of this.runtimes) await runtime.shutdown();
    for (const pid of this.podProcesses()) signalProcess(pid, "SIGKILL");
    await rm(this.dataDirectory, { recursive: true, force: true });
  }
}

/** The stand-in writes one line per 100 ms tick. */
const slow = (ticks: number) => ({
  CLAUDE_STAND_IN_SCENARIO: "slow",
  CLAUDE_STAND_IN_DURATION_S: String(ticks),
  CLAUDE_STAND_IN_TICK_MS: "100",
});

async function runPods(runtime: LocalKubernetesRuntime): Promise<Pod[]> {
  return runtime.listPods(NAMESPACE, "job-name");
}

describe("local runtime: its pods survive a SIGKILLed server and the next runtime takes them over", () => {
  let scene: CrashScene | undefined;
  afterEach(async () => {
    await scene?.close();
    scene = undefined;
  });

  it("adopts the orphan: its Job and running pod are listed again, a watch sees the pod end, with the container's own exit code", async () => {
    scene = await CrashScene.create();
    const exit3 = {
      CLAUDE_STAND_IN_SCENARIO: "exit-1",
      CLAUDE_STAND_IN_EXIT_CODE: "3",
      CLAUDE_STAND_IN_DELAY_MS: "300",
    };
    await scene.crashDuring(scene.request("run-a", exit3), "mid-stream");
    expect(scene.podProcesses().length).toBeGreaterThan(0);

    const runtime = scene.restartedRuntime();
    await runtime.recovered;
    const [job] = await runtime.listJobs(NAMESPACE, "");
    const [pod] = await runPods(runtime);
    expect(pod?.status?.phase).toBe("Running");
    const seen: Pod[] = [];
    const watch = runtime.watchPods(NAMESPACE, "", { onEvent: (_type, object) => void seen.push(object) });
    const ended = await eventually(
      "the adopted pod's end, through the watch",
      () => seen.find((p) => p.status?.phase === "Failed" || p.status?.phase === "Succeeded"),
      20_000,
    );
    watch.stop();
    expect(ended.status?.phase).toBe("Failed");
    expect(ended.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: "Error" });
    const finished = await runtime.readJob(NAMESPACE, job?.metadata.name ?? "");
    expect(finished?.status?.conditions?.find((c) => c.type === "Failed")?.status).toBe("True");
    expect(scene.podProcesses()).toEqual([]);
    expect(scene.invocations()).toBe(1);
  });

  it("cancel after a crash: deleting the adopted Job kills the orphan's whole process group and removes its sandbox and records", async () => {
    scene = await CrashScene.create();
    await scene.crashDuring(scene.request("run-a", slow(600)), "mid-stream");
    const orphans = scene.podProcesses();
    expect(orphans.length).toBeGreaterThan(0);

    const runtime = scene.restartedRuntime();
    await runtime.recovered;
    const [job] = await runtime.listJobs(NAMESPACE, "");
    const [pod] = await runPods(runtime);
    const record = JSON.parse(readFileSync(scene.podRecordFiles()[0] ?? "", "utf8")) as PodRecord;
    const group = record.processes["claude"]?.group.pid ?? 0;
    expect(isGroupAlive(group)).toBe(true);

    await runtime.deleteJob(NAMESPACE, job?.metadata.name ?? "", "Background");
    await runtime.settled();
    expect(isGroupAlive(group)).toBe(false);
    expect(scene.podProcesses()).toEqual([]);
    expect(existsSync(record.sandboxDirectory)).toBe(false);
    expect(await runtime.listPods(NAMESPACE, "")).toEqual([]);
    expect(scene.stateRecords()).toEqual({ jobs: [], pods: [], secrets: [] });
    expect(pod?.metadata.name).toBe(record.pod.metadata.name);
  });

  it("the one-Job-per-agent guard sees the orphan: another task of the agent is blocked, the same task follows it — never a second claude", async () => {
    scene = await CrashScene.create();
    await scene.crashDuring(scene.request("run-a", slow(30)), "mid-stream");
    const runtime = scene.restartedRuntime();
    const orchestrator = createContainer({ bindings: { kubernetes: runtime } }).get(RunOrchestrator);
    const run = async (request: AgentRunRequest) => {
      const stdout: string[] = [];
      const observer = {
        onLog: async (stream: string, chunk: string) => void (stream === "stdout" && stdout.push(chunk)),
        onStatus: async () => undefined,
      };
      const report: RunReport = await orchestrator.run(request, observer, new AbortController().signal);
      return { report, stdout };
    };

    const other = await run(scene.request("run-b", slow(30), { taskId: "task-2" }));
    expect(other.report.outcome.failure?.errorCode).toBe("k8s_concurrent_run_blocked");

    const same = await run(scene.request("run-c", slow(30)));
    expect(same.report.reattachedFromRunId).toBe("run-a");
    expect(same.report.outcome.failure).toBeNull();
    const transcript = deliveredTranscript(same.stdout);
    expect(transcript.types).toEqual(["system", ...Array<string>(30).fill("assistant"), "result"]);
    expect(new Set(transcript.uuids).size).toBe(transcript.uuids.length);
    expect(scene.invocations()).toBe(1);
    await runtime.settled();
    expect(scene.podProcesses()).toEqual([]);
    expect(scene.stateRecords()).toEqual({ jobs: [], pods: [], secrets: [] });
  });

  it("a recycled pid is not the orphan: a recorded group whose leader started at another time is never signalled, and the pod is reported lost", async () => {
    scene = await CrashScene.create();
    await scene.crashDuring(scene.request("run-a", slow(600)), "mid-stream");
    // The orphan ends while no runtime runs; its pid is then "reused" by an unrelated process.
    for (const pid of scene.podProcesses()) signalProcess(pid, "SIGKILL");
    await eventually("the orphan gone", () => (scene?.podProcesses().length === 0 ? true : undefined));
    const stranger = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    const strangerPid = stranger.pid ?? 0;
    const [recordFile = ""] = scene.podRecordFiles();
    const record = JSON.parse(readFileSync(recordFile, "utf8")) as PodRecord;
    const claude = record.processes["claude"];
    if (!claude) throw new Error("the pod record names no claude container");
    const planted = { ...claude, group: { ...claude.group, pid: strangerPid } };
    writeFileSync(recordFile, JSON.stringify({ ...record, processes: { ...record.processes, claude: planted } }));

    const runtime = scene.restartedRuntime();
    await runtime.recovered;
    const pod = await eventually("the lost pod's end", async () => {
      const [found] = await runPods(runtime);
      return found?.status?.phase === "Failed" ? found : undefined;
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated).toMatchObject({
      exitCode: 137,
      reason: "ContainerStatusUnknown",
    });
    const [job] = await runtime.listJobs(NAMESPACE, "");
    await runtime.deleteJob(NAMESPACE, job?.metadata.name ?? "", "Background");
    await runtime.settled();
    expect(isGroupAlive(strangerPid)).toBe(true);
    stranger.kill("SIGKILL");
  });
});
