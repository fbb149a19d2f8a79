/**
 * Runs a built Job's containers for real, the way a kubelet would on one node: init containers,
 * then the main container, each as `command` with the container's env — literal values after
 * Kubernetes' $(VAR) expansion, secretKeyRef values taken from the built Secret — in its working
 * directory. The data volume is a temp directory mounted at the same path (dataMountPath), and a
 * fake `claude` is first on PATH. Tests therefore prove the real manifest, not a copy of it.
 */
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import {
  JobManifestFactory,
  type JobRunSpec,
  type RunManifests,
} from "../../../src/domain/job/job-manifest-factory.js";
import { PromptDelivery } from "../../../src/domain/job/prompt-delivery.js";
import { runFilePaths, type RunFilePaths } from "../../../src/domain/run-log-paths.js";
import type { Container, Pod, Secret } from "../../../src/ports/kubernetes-objects.js";

/** The fake claude; FAKE_CLAUDE_PATH overrides it when this file is bundled elsewhere (benchmarks). */
const fakeClaudePath = (): string =>
  process.env.FAKE_CLAUDE_PATH ?? join(dirname(fileURLToPath(import.meta.url)), "../../support/fake-claude/claude");

export interface PodWorld {
  readonly root: string;
  readonly binDir: string;
  readonly recordDir: string;
  readonly paths: RunFilePaths;
  readonly spec: JobRunSpec;
  cleanup(): void;
}

export interface WorldOptions {
  readonly config?: Partial<AdapterConfig>;
  readonly spec?: Partial<JobRunSpec>;
  readonly serverEnv?: Array<{ name: string; value: string }>;
  /** Name of the data volume's directory under the temp root (to test hostile paths). */
  readonly dataDirName?: string;
}

/** A temp data volume, a server pod mounting it, and a run spec whose files live on it. */
export function createPodWorld(options: WorldOptions = {}): PodWorld {
  const root = mkdtempSync(join(tmpdir(), "claude-k8s-pod-"));
  const dataMountPath = join(root, options.dataDirName ?? "data");
  const binDir = join(root, "bin");
  const recordDir = join(root, "record");
  const workspace = join(dataMountPath, "workspace");
  for (const dir of [dataMountPath, binDir, recordDir, workspace]) mkdirSync(dir, { recursive: true });
  // Copied and chmod-ed here so the test does not depend on the checkout keeping the exec bit.
  copyFileSync(fakeClaudePath(), join(binDir, "claude"));
  chmodSync(join(binDir, "claude"), 0o755);
  // RUN_SCRIPT_SHELL=/usr/bin/busybox (or bash) runs the same tests with another `sh` first on PATH.
  const shell = process.env.RUN_SCRIPT_SHELL;
  if (shell) symlinkSync(shell, join(binDir, "sh"));

  const config: AdapterConfig = { ...defaultAdapterConfig(), dataMountPath, ...options.config };
  const ids = { tenantId: "co-1", agentId: "agent-7", runId: "run-42" };
  const paths = runFilePaths(`${dataMountPath}/instances/default/data/run-logs`, ids);
  const serverPod: Pod = {
    metadata: { name: "paperclip-0", namespace: "paperclip" },
    spec: {
      containers: [
        {
          name: "paperclip",
          image: "ghcr.io/paperclipai/paperclip:test",
          env: options.serverEnv ?? [{ name: "PAPERCLIP_API_URL", value: "http://paperclip.paperclip.svc:3100" }],
          volumeMounts: [{ name: "data", mountPath: dataMountPath }],
        },
      ],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
    },
  };
  const spec: JobRunSpec = {
    ...ids,
    taskId: "task-1",
    sessionKey: null,
    namespace: "paperclip",
    config,
    serverPod,
    paths,
    workingDirectory: workspace,
    claude: { resumeSessionId: null, freshSessionId: null, appendSystemPromptFile: null, addDirs: [] },
    env: { PAPERCLIP_AGENT_ID: ids.agentId, PAPERCLIP_RUN_ID: ids.runId },
    apiToken: "run-token-0123456789",
    requiresApiUrl: true,
    localApiUrl: null,
    allowLoopbackApiUrl: false,
    ...options.spec,
  };
  return { root, binDir, recordDir, paths, spec, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export function buildManifests(spec: JobRunSpec): RunManifests {
  const built = new JobManifestFactory().build(spec);
  if (!built.ok) throw new Error(`manifest refused: ${built.failure.errorMessage}`);
  return built.value;
}

export async function deliverPrompt(paths: RunFilePaths, prompt: string, maxBytes = 8 * 1024 * 1024): Promise<void> {
  const written = await new PromptDelivery(new NodeFileSystem()).write(paths, prompt, maxBytes);
  if (!written.ok) throw new Error(`prompt refused: ${written.failure.errorMessage}`);
}

/** Kubernetes' $(VAR) expansion: `$$` → `$`, `$(NAME)` → its value when defined, else left as is. */
export function expandKubernetesReferences(input: string, env: ReadonlyMap<string, string>): string {
  let out = "";
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (char !== "$" || i + 1 >= input.length) {
      out += char;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i++;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += "$(";
        i++;
        continue;
      }
      const name = input.slice(i + 2, close);
      out += env.get(name) ?? `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}

/** The container's environment as the process would see it. */
export function resolveContainerEnv(container: Container, secret: Secret): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of container.env ?? []) {
    if (entry.value !== undefined) env.set(entry.name, expandKubernetesReferences(entry.value, env));
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) {
      if (ref.name !== secret.metadata.name) throw new Error(`env ${entry.name} refers to unknown Secret ${ref.name}`);
      const value = secret.stringData?.[ref.key];
      if (value === undefined) throw new Error(`Secret ${ref.name} has no key ${ref.key}`);
      env.set(entry.name, value);
    }
  }
  return env;
}

export interface ContainerRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface RunningContainer {
  readonly pid: number;
  /** Resolves once the container's stdout has shown `text`. */
  stdoutShows(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  readonly done: Promise<ContainerRun>;
}

export function startContainer(
  container: Container,
  secret: Secret,
  world: PodWorld,
  extraEnv: Record<string, string> = {},
): RunningContainer {
  const env = resolveContainerEnv(container, secret);
  const command = (container.command ?? []).map((part) => expandKubernetesReferences(part, env));
  const [executable, ...args] = command;
  if (!executable) throw new Error(`container ${container.name} has no command`);
  const child = spawn(executable, args, {
    cwd: container.workingDir ?? world.root,
    env: { ...Object.fromEntries(env), PATH: `${world.binDir}:${process.env.PATH ?? ""}`, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout.push(chunk);
    if (waiters.length === 0) return;
    const seen = Buffer.concat(stdout).toString("utf8");
    for (const waiter of waiters.splice(0)) {
      if (seen.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const done = new Promise<ContainerRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode, signal) =>
      resolve({ exitCode, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) }),
    );
  });
  return {
    pid: child.pid ?? -1,
    stdoutShows: (text) =>
      new Promise<void>((resolve) => {
        if (Buffer.concat(stdout).toString("utf8").includes(text)) resolve();
        else waiters.push({ text, resolve });
      }),
    kill: (signal) => child.kill(signal),
    done,
  };
}

/** Runs the init containers then the main container to completion, as the Job's pod would. */
export async function runPod(
  manifests: RunManifests,
  world: PodWorld,
  extraEnv: Record<string, string> = {},
): Promise<ContainerRun> {
  const podSpec = manifests.job.spec.template.spec;
  for (const init of podSpec.initContainers ?? []) {
    const result = await startContainer(init, manifests.secret, world).done;
    if (result.exitCode !== 0) {
      throw new Error(`init container ${init.name} exited ${result.exitCode}: ${result.stderr.toString()}`);
    }
  }
  const main = podSpec.containers[0];
  if (!main) throw new Error("the Job has no main container");
  return startContainer(main, manifests.secret, world, extraEnv).done;
}
