/**
 * Where a chaos trial's servers run their Jobs: the loopback apiserver (real client-node in each
 * server process, pods run by this process's kubelet) or the local runtime (each server process
 * holds the runtime; its state and pods outlive it on the data directory). Either way, what is
 * left is read from what outlives every server: the apiserver, the data directory, /proc.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";
import type { ServerRuntime } from "../crashing-server/server-protocol.js";
import { processesNaming } from "../run-harness/live-processes.js";
import {
  filesUnder,
  NAMESPACE,
  PAPERCLIP_API_URL,
  POD_KILL_GRACE_MS,
  RunHarness,
  runLogRootOf,
  SERVER_POD_NAME,
} from "../run-harness/run-harness.js";

export type ChaosRuntime = "loopback" | "local";

export interface WorldLeftovers {
  readonly jobs: string[];
  readonly secrets: string[];
  /** Files (and run directories) under the run-log root. */
  readonly files: string[];
  /** Live processes of any pod of the trial. */
  readonly processes: number[];
}

export interface ChaosWorld {
  readonly dataDirectory: string;
  readonly runtime: ServerRuntime;
  leftovers(): Promise<WorldLeftovers>;
  close(): Promise<void>;
}

export async function chaosWorld(kind: ChaosRuntime): Promise<ChaosWorld> {
  return kind === "loopback" ? LoopbackWorld.start() : LocalWorld.start();
}

class LoopbackWorld implements ChaosWorld {
  private constructor(private readonly harness: RunHarness) {}

  static async start(): Promise<LoopbackWorld> {
    return new LoopbackWorld(await RunHarness.start());
  }

  get dataDirectory(): string {
    return this.harness.dataDirectory;
  }

  get runtime(): ServerRuntime {
    return {
      kind: "loopback",
      kubeconfig: this.harness.api.kubeConfig(NAMESPACE).exportConfig(),
      namespace: NAMESPACE,
      ownPodName: SERVER_POD_NAME,
    };
  }

  async leftovers(): Promise<WorldLeftovers> {
    const left = await this.harness.leftovers();
    return {
      jobs: left.jobs,
      secrets: left.secrets,
      files: left.files,
      processes: processesNaming(this.harness.dataDirectory),
    };
  }

  async close(): Promise<void> {
    await this.harness.close();
  }
}

class LocalWorld implements ChaosWorld {
  private constructor(readonly dataDirectory: string) {}

  static async start(): Promise<LocalWorld> {
    return new LocalWorld(await mkdtemp(`${tmpdir()}/claude-k8s-chaos-`));
  }

  get runtime(): ServerRuntime {
    return {
      kind: "local",
      dataDirectory: this.dataDirectory,
      pathPrepend: [claudeStandInBinDirectory()],
      programDirectories: [dirname(claudeStandInBinDirectory())],
      killGraceMs: POD_KILL_GRACE_MS,
      serverEnv: { PAPERCLIP_API_URL },
    };
  }

  /** The runtime's state on disk is what a server would find: Job and Secret records of any runtime. */
  async leftovers(): Promise<WorldLeftovers> {
    const records = (kind: string) => {
      const root = `${this.dataDirectory}/.local-runtime`;
      if (!existsSync(root)) return [];
      return readdirSync(root).flatMap((runtime) => {
        const directory = `${root}/${runtime}/${kind}`;
        return existsSync(directory) ? readdirSync(directory) : [];
      });
    };
    return {
      jobs: records("jobs"),
      secrets: records("secrets"),
      files: await filesUnder(runLogRootOf(this.dataDirectory)),
      processes: processesNaming(this.dataDirectory),
    };
  }

  async close(): Promise<void> {
    for (const pid of processesNaming(this.dataDirectory)) process.kill(pid, "SIGKILL");
    await rm(this.dataDirectory, { recursive: true, force: true });
  }
}
