/** A run's world built from fakes: the container with in-memory ports, and a scripted pod. */
import { createContainer } from "../../../src/container.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import type { AgentRunRequest, RunLaunch, RunObserver, RunReport } from "../../../src/domain/run/agent-run-request.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { FakeKubernetes } from "../../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { ManualClock, flushAsync } from "../../fakes/manual-clock.js";

export const RUN_LOG_ROOT = "/paperclip/instances/default/data/run-logs";

export const TRANSCRIPT = [
  '{"type":"system","subtype":"init","session_id":"3f1c2a4e-0000-4000-8000-000000000001","model":"claude-sonnet-4-6","cwd":"/paperclip","tools":[]}',
  '{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"Working on it ✓"}]},"session_id":"3f1c2a4e-0000-4000-8000-000000000001"}',
  '{"type":"result","subtype":"success","is_error":false,"result":"Done.","session_id":"3f1c2a4e-0000-4000-8000-000000000001","total_cost_usd":0.0125,"num_turns":1,"usage":{"input_tokens":100,"output_tokens":20,"cache_read_input_tokens":5,"cache_creation_input_tokens":0}}',
];

export function makeRequest(
  overrides: Partial<AgentRunRequest> = {},
  config: Partial<AdapterConfig> = {},
): AgentRunRequest {
  return {
    runId: "run-1",
    agentId: "agent-1",
    tenantId: "company-1",
    taskId: "task-1",
    config: { ...defaultAdapterConfig(), paperclipApiUrl: "http://paperclip.paperclip.svc:3100", ...config },
    prompt: "Do the task.",
    runLogRoot: RUN_LOG_ROOT,
    workingDirectory: "/paperclip/instances/default/workspaces/agent-1",
    resumeSessionId: null,
    freshSessionId: "3f1c2a4e-0000-4000-8000-000000000001",
    appendSystemPromptFile: null,
    addDirs: [],
    env: { PAPERCLIP_AGENT_ID: "agent-1" },
    apiToken: "run-token-secret-value",
    requiresApiUrl: true,
    localApiUrl: null,
    billingEnv: { useBedrock: false, hasApiKey: true },
    allowLoopbackApiUrl: false,
    ...overrides,
  };
}

export class RunWorld {
  readonly kubernetes = new FakeKubernetes();
  readonly files = new InMemoryFileSystem();
  readonly clock = new ManualClock(0);
  readonly logs: Array<[string, string]> = [];
  readonly statuses: string[] = [];
  readonly launches: RunLaunch[] = [];
  readonly orchestrator: RunOrchestrator;

  constructor() {
    this.kubernetes.ownPod = {
      metadata: { name: "paperclip-0", namespace: "paperclip" },
      spec: {
        containers: [
          {
            name: "paperclip",
            image: "ghcr.io/paperclipai/paperclip:1",
            volumeMounts: [{ name: "data", mountPath: "/paperclip" }],
          },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
      },
    };
    this.files.directories.add("/paperclip");
    const container = createContainer({
      bindings: { kubernetes: this.kubernetes, fileSystem: this.files, clock: this.clock },
    });
    this.orchestrator = container.get(RunOrchestrator);
  }

  readonly observer: RunObserver = {
    onLog: async (stream, chunk) => {
      this.logs.push([stream, chunk]);
    },
    onStatus: async (line) => {
      this.statuses.push(line);
    },
    onLaunched: async (launch) => {
      this.launches.push(launch);
    },
  };

  /**
   * Starts the run on this world's server, or on `server` (another server process sharing the
   * cluster and the volume, e.g. one about to die and leave an orphan).
   */
  start(
    request: AgentRunRequest,
    signal: AbortSignal = new AbortController().signal,
    server: RunOrchestrator = this.orchestrator,
  ) {
    let report: RunReport | undefined;
    const done = server.run(request, this.observer, signal).then((r) => (report = r));
    return {
      done,
      get report() {
        return report;
      },
    };
  }

  /** Another server process on the same cluster, volume and clock (its own live runs). */
  otherServer(): RunOrchestrator {
    return createContainer({
      bindings: { kubernetes: this.kubernetes, fileSystem: this.files, clock: this.clock },
    }).get(RunOrchestrator);
  }

  /** Lets the run proceed without moving the clock until `condition` holds. */
  async until(condition: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (condition()) return;
      await flushAsync();
    }
    throw new Error(`never happened: ${what}`);
  }

  get jobName(): string {
    const [job] = this.kubernetes.jobs.values();
    return job?.metadata.name ?? "";
  }

  paths(runId = "run-1") {
    return runFilePaths(RUN_LOG_ROOT, { tenantId: "company-1", agentId: "agent-1", runId });
  }

  /**
   * Plays the pod: it runs, writes the transcript and stderr, the trailer, then terminates. The
   * container's exit (what Kubernetes reports) follows the trailer unless `container` says otherwise.
   */
  async playPod(
    options: {
      lines?: string[];
      stderr?: string;
      exitCode?: number;
      runId?: string;
      container?: { exitCode: number; reason: string };
    } = {},
  ) {
    const lines = options.lines ?? TRANSCRIPT;
    const exitCode = options.exitCode ?? 0;
    const paths = this.paths(options.runId);
    await this.until(() => this.kubernetes.podOf(this.jobName) !== undefined, "pod created");
    this.kubernetes.startPod(this.jobName);
    const stdout = lines.map((l) => `${l}\n`).join("");
    this.files.append(paths.stdout, stdout);
    this.files.append(paths.stderr, options.stderr ?? "");
    const bytes = (text: string) => new TextEncoder().encode(text).length;
    this.files.append(
      paths.trailer,
      JSON.stringify({ version: 1, exitCode, stdoutBytes: bytes(stdout), stderrBytes: bytes(options.stderr ?? "") }),
    );
    this.kubernetes.terminatePod(
      this.jobName,
      options.container ?? { exitCode, reason: exitCode === 0 ? "Completed" : "Error" },
    );
  }
}
