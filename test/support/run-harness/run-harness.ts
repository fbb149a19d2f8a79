/**
 * One run's whole world for end-to-end tests through the REAL client-node: the loopback
 * apiserver, the Paperclip server's own pod seeded in it, a real data directory as the shared
 * volume, pods run as real local processes (the real run script in dash, the Claude stand-in),
 * and "Paperclip servers" = containers built by the composition root over a fresh
 * ClientNodeKubernetes each. `leftovers()` is what the run left: Jobs, Secrets, pods, files under
 * the run-log root and live process groups.
 */
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientNodeKubernetes } from "../../../src/adapters/client-node-kubernetes.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import type { ReconcilerOptions } from "../../../src/domain/run/run-reconciler.js";
import { createContainer } from "../../../src/container.js";
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import type { AgentRunRequest, RunObserver, RunReport } from "../../../src/domain/run/agent-run-request.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { runFilePaths, type RunFilePaths } from "../../../src/domain/run-log-paths.js";
import type { EnvVar } from "../../../src/ports/kubernetes-objects.js";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";
import { LoopbackKubeApi, type Kubelet } from "../loopback-kube-api/index.js";
import { MortalServer } from "./mortal-server.js";
import { RecordingPodRunnerKubelet } from "./recording-pod-runner-kubelet.js";

export const NAMESPACE = "paperclip";
export const SERVER_POD_NAME = "paperclip-0";
/** Non-loopback, as a cluster pod needs; nothing ever calls it. */
export const PAPERCLIP_API_URL = "http://paperclip.paperclip.svc:3100";
export const RUN_TOKEN = "run-token-secret-value";
/** The pods' SIGTERM → SIGKILL grace. */
export const POD_KILL_GRACE_MS = 2_000;

export interface Leftovers {
  readonly jobs: string[];
  readonly secrets: string[];
  /** Every pod but the Paperclip server's own. */
  readonly pods: string[];
  /** Files (not directories) under the run-log root. */
  readonly files: string[];
  readonly liveProcessGroups: number[];
  /** Watch connections the apiserver still serves (every run's watch subscription must end). */
  readonly openWatches: number;
}

export const NOTHING_LEFT: Leftovers = {
  jobs: [],
  secrets: [],
  pods: [],
  files: [],
  liveProcessGroups: [],
  openWatches: 0,
};

/** A "Paperclip server process": its own client, container and orchestrator. */
export interface Server {
  readonly orchestrator: RunOrchestrator;
  /** Stops everything this server does, as if its process was killed (see MortalServer). */
  die(): void;
}

/** A run in progress: what it has delivered so far, and its report once it returns. */
export interface StartedRun {
  readonly done: Promise<RunReport>;
  /** stdout chunks delivered to onLog, in order. */
  readonly stdout: string[];
  readonly stderr: string[];
  readonly statuses: string[];
}

export interface RunHarnessOptions {
  /** Who runs the pods; default the local pod runner (real processes, real dash run script). */
  readonly kubelet?: Kubelet;
  /** Stand-in environment for every run (CLAUDE_STAND_IN_*), merged under each request's config.env. */
  readonly standInEnv?: Readonly<Record<string, string>>;
  /** Where the pods' `claude` is; default the stand-in's bin directory. */
  readonly claudeBinDirectory?: string;
  /** More env of the Paperclip server pod's container, for run pods to inherit. */
  readonly serverEnv?: readonly EnvVar[];
}

export class RunHarness {
  private readonly servers: MortalServer[] = [];

  private constructor(
    readonly api: LoopbackKubeApi,
    readonly root: string,
    readonly dataDirectory: string,
    readonly podRunner: RecordingPodRunnerKubelet,
    private readonly standInEnv: Readonly<Record<string, string>>,
  ) {}

  static async start(options: RunHarnessOptions = {}): Promise<RunHarness> {
    const root = await mkdtemp(join(tmpdir(), "claude-k8s-run-"));
    const dataDirectory = join(root, "paperclip");
    await mkdir(dataDirectory);
    const podRunner = new RecordingPodRunnerKubelet({
      sandboxRoot: join(root, "pods"),
      dataDirectory,
      pathPrepend: [options.claudeBinDirectory ?? claudeStandInBinDirectory()],
      killGraceMs: POD_KILL_GRACE_MS,
      retryMs: 50,
    });
    const api = await LoopbackKubeApi.start({ kubelet: options.kubelet ?? podRunner });
    api.seedPod({
      metadata: { name: SERVER_POD_NAME, namespace: NAMESPACE, labels: { app: "paperclip" } },
      spec: {
        containers: [
          {
            name: "paperclip",
            image: "ghcr.io/paperclipai/paperclip:2026.916.1",
            env: [{ name: "PAPERCLIP_API_URL", value: PAPERCLIP_API_URL }, ...(options.serverEnv ?? [])],
            volumeMounts: [{ name: "data", mountPath: dataDirectory }],
          },
        ],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
      },
      status: { phase: "Running" },
    });
    const standInEnv = { CLAUDE_STAND_IN_DELAY_MS: "5", ...options.standInEnv };
    return new RunHarness(api, root, dataDirectory, podRunner, standInEnv);
  }

  get runLogRoot(): string {
    return runLogRootOf(this.dataDirectory);
  }

  /** A fresh server process: new client-node client, new container, real file system and clock. */
  server(options: { reconciler?: Partial<ReconcilerOptions> } = {}): Server {
    const kubernetes = new ClientNodeKubernetes({
      kubeConfig: this.api.kubeConfig(NAMESPACE),
      namespace: NAMESPACE,
      ownPodName: SERVER_POD_NAME,
    });
    const mortal = new MortalServer(kubernetes, new NodeFileSystem(), new SystemClock());
    this.servers.push(mortal);
    const container = createContainer({
      bindings: { kubernetes: mortal.kubernetes, fileSystem: mortal.fileSystem, clock: mortal.clock },
      ...(options.reconciler ? { reconciler: options.reconciler } : {}),
    });
    return { orchestrator: container.get(RunOrchestrator), die: () => mortal.die() };
  }

  request(overrides: Partial<AgentRunRequest> = {}, config: Partial<AdapterConfig> = {}): AgentRunRequest {
    return runRequest(this.dataDirectory, this.standInEnv, overrides, config);
  }

  paths(request: AgentRunRequest): RunFilePaths {
    return runFilePaths(request.runLogRoot, request);
  }

  /** Starts `request` on `server` (a fresh one by default); the caller awaits `done`. */
  start(request: AgentRunRequest, options: { signal?: AbortSignal; server?: Server } = {}): StartedRun {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const statuses: string[] = [];
    const observer: RunObserver = {
      onLog: async (stream, chunk) => void (stream === "stdout" ? stdout : stderr).push(chunk),
      onStatus: async (line) => void statuses.push(line),
    };
    const server = options.server ?? this.server();
    const done = server.orchestrator.run(request, observer, options.signal ?? new AbortController().signal);
    return { done, stdout, stderr, statuses };
  }

  /** Names of the Jobs the apiserver holds now. */
  jobNames(): string[] {
    return this.api.list("jobs", NAMESPACE).map((job) => job.metadata.name ?? "");
  }

  /**
   * What is left once pods have had their termination grace: a kubelet stops a deleted pod's
   * processes asynchronously (SIGTERM, grace, SIGKILL), in a cluster as here, and the apiserver
   * notices a closed watch connection a moment after the client closed it; so live process groups
   * and open watches get up to `graceMs` to go. Everything else is read at once.
   */
  async leftoversAfterGrace(graceMs = POD_KILL_GRACE_MS + 1_000): Promise<Leftovers> {
    const deadline = Date.now() + graceMs;
    const settling = () => this.podRunner.liveProcessGroups().length > 0 || this.api.openWatchCount > 0;
    while (settling() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.leftovers();
  }

  async leftovers(): Promise<Leftovers> {
    const names = (objects: Array<{ metadata: { name?: string } }>) => objects.map((o) => o.metadata.name ?? "");
    return {
      jobs: names(this.api.list("jobs", NAMESPACE)),
      secrets: names(this.api.list("secrets", NAMESPACE)),
      pods: names(this.api.list("pods", NAMESPACE)).filter((name) => name !== SERVER_POD_NAME),
      files: await filesUnder(this.runLogRoot),
      liveProcessGroups: this.podRunner.liveProcessGroups(),
      openWatches: this.api.openWatchCount,
    };
  }

  /** Kills every server, closes the apiserver (and so every pod), and removes the temp tree. */
  async close(): Promise<void> {
    for (const server of this.servers) server.die();
    await this.api.close();
    await rm(this.root, { recursive: true, force: true });
  }
}

/**
 * A run of `agent-1` on task-1 (unless overridden) over the data directory as Paperclip builds it:
 * the run-log root and the agent's workspace on the shared volume, the stand-in env under config.env.
 */
export function runRequest(
  dataDirectory: string,
  standInEnv: Readonly<Record<string, string>>,
  overrides: Partial<AgentRunRequest> = {},
  config: Partial<AdapterConfig> = {},
): AgentRunRequest {
  const agentId = overrides.agentId ?? "agent-1";
  return {
    runId: "run-1",
    agentId,
    tenantId: "company-1",
    taskId: "task-1",
    config: {
      ...defaultAdapterConfig(),
      dataMountPath: dataDirectory,
      ...config,
      env: { ...standInEnv, ...config.env },
    },
    prompt: "Summarise the README.",
    runLogRoot: runLogRootOf(dataDirectory),
    // Paperclip's own per-agent workspace (its "agent_home" fallback) on the shared volume.
    workingDirectory: `${dataDirectory}/instances/default/workspaces/${agentId}`,
    resumeSessionId: null,
    freshSessionId: randomUUID(),
    appendSystemPromptFile: null,
    addDirs: [],
    env: { PAPERCLIP_AGENT_ID: agentId, PAPERCLIP_RUN_ID: overrides.runId ?? "run-1" },
    apiToken: RUN_TOKEN,
    requiresApiUrl: true,
    localApiUrl: null,
    billingEnv: { useBedrock: false, hasApiKey: true },
    allowLoopbackApiUrl: false,
    ...overrides,
  };
}

export const runLogRootOf = (dataDirectory: string): string => `${dataDirectory}/instances/default/data/run-logs`;

/** Files under the run-log root, and run directories (<company>/<agent>/<run>) left behind. */
export async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  const depth = (path: string) => path.slice(directory.length).split("/").filter(Boolean).length;
  return entries
    .map((entry) => ({ entry, path: join(entry.parentPath, entry.name) }))
    .filter(({ entry, path }) => !entry.isDirectory() || depth(path) >= 3)
    .map(({ path }) => path);
}
