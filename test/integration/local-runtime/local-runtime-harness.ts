/** A real local runtime over a fresh data directory, with the Claude stand-in first on PATH. */
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import {
  isGroupAlive,
  LocalKubernetesRuntime,
  type LocalKubernetesRuntimeOptions,
} from "../../../src/adapters/local-runtime/index.js";
import type { Job, Pod } from "../../../src/ports/kubernetes-objects.js";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";
import type { BuiltRun } from "./run-job-builder.js";
import { eventually as pollUntil } from "../../support/eventually.js";
import { LocalRuntimeInspector } from "../../support/local-runtime-inspector.js";

export const NAMESPACE = "local";

export interface Harness {
  readonly runtime: LocalKubernetesRuntime;
  /** The runtime's pods, sandboxes and Secrets as its state directory shows them. */
  readonly inspect: LocalRuntimeInspector;
  readonly dataDirectory: string;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<LocalKubernetesRuntimeOptions> = {}): Promise<Harness> {
  const dataDirectory = await mkdtemp(`${tmpdir()}/claude-k8s-data-`);
  const runtime = new LocalKubernetesRuntime({
    dataDirectory,
    pathPrepend: [claudeStandInBinDirectory()],
    killGraceMs: 300,
    retryMs: 25,
    ...options,
  });
  return {
    runtime,
    inspect: options.stateDirectory
      ? new LocalRuntimeInspector(options.stateDirectory)
      : LocalRuntimeInspector.ofDataDirectory(dataDirectory),
    dataDirectory,
    close: async () => {
      await runtime.shutdown();
      await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}

/** Creates the Job suspended, its owned Secret and the prompt file, then resumes it: the adapter's order. */
export async function launch(runtime: LocalKubernetesRuntime, run: BuiltRun, prompt = "Say hello"): Promise<Job> {
  await writePrompt(run, prompt);
  const created = await runtime.createJob(NAMESPACE, run.job);
  const { name = "", uid = "" } = created.metadata;
  await runtime.createOwnedSecret(NAMESPACE, run.secret, { namespace: NAMESPACE, name, uid });
  await runtime.resumeJob(NAMESPACE, name);
  return created;
}

/** The prompt file the run script feeds to claude, as the adapter writes it before the Job. */
export async function writePrompt(run: BuiltRun, prompt = "Say hello"): Promise<void> {
  await mkdir(run.paths.directory, { recursive: true });
  await writeFile(run.paths.prompt, prompt);
}

/** Polls (real time) until `check` returns a value; fails the test with `what` after the timeout. */
/** Waits for `check` to yield a value (see test/support/eventually.ts), up to 15 s by default. */
export function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  return pollUntil(what, check, timeoutMs);
}

export function conditionOf(job: Job | null, type: string) {
  return job?.status?.conditions?.find((c) => c.type === type && c.status === "True");
}

export async function finishedJob(runtime: LocalKubernetesRuntime, name: string): Promise<Job> {
  return eventually(`Job ${name} to finish`, async () => {
    const job = await runtime.readJob(NAMESPACE, name);
    return conditionOf(job, "Complete") || conditionOf(job, "Failed") ? (job ?? undefined) : undefined;
  });
}

export async function podOf(runtime: LocalKubernetesRuntime, jobName: string): Promise<Pod> {
  return eventually(`a pod for ${jobName}`, async () => (await runtime.listPods(NAMESPACE, `job-name=${jobName}`))[0]);
}

export async function readText(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch(() => undefined);
}

/** No process of the group runs (a zombie awaiting its reaper has ended: see isGroupAlive). */
export function groupIsGone(pgid: number): boolean {
  return !isGroupAlive(pgid);
}
