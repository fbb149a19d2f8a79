/**
 * Starts a Paperclip server as a child process (server-process.ts, bundled once with esbuild) and
 * follows what it reports. `kill()` is a real SIGKILL; a server told a crash point kills itself.
 */
import { fork, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bundleNodeScript } from "../bundle-node-script.js";
import type { RunReport } from "../../../src/domain/run/agent-run-request.js";
import { SERVER_SETUP_ENV, type FromServer, type RuntimeHoldings, type ServerSetup } from "./server-protocol.js";

let bundled: Promise<string> | undefined;

/**
 * The server's entry, bundled once per test process (node cannot run the TypeScript sources) into
 * the repository's .cache, where the bundle's package imports resolve; removed when this process exits.
 */
function serverScript(): Promise<string> {
  bundled ??= (async () => {
    const outfile = fileURLToPath(
      new URL(`../../../.cache/crashing-server/server-${process.pid}.mjs`, import.meta.url),
    );
    process.once("exit", () => rmSync(outfile, { force: true }));
    return bundleNodeScript(new URL("./server-process.ts", import.meta.url), outfile);
  })();
  return bundled;
}

export interface ServerEnd {
  /** The run's report, when the server lived to return it. */
  readonly report: RunReport | null;
  readonly holdings: RuntimeHoldings | null;
}

export class CrashingServer {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly statuses: string[] = [];
  /** Settles when the run returned (report) or the process died first (no report). */
  readonly ended: Promise<ServerEnd>;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    let resolveEnded: (end: ServerEnd) => void = () => undefined;
    this.ended = new Promise((resolve) => (resolveEnded = resolve));
    child.on("message", (message: FromServer) => {
      if (message.kind === "log") (message.stream === "stdout" ? this.stdout : this.stderr).push(message.chunk);
      else if (message.kind === "status") this.statuses.push(message.line);
      else resolveEnded({ report: message.report, holdings: message.holdings });
    });
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    void this.exited.then(() => resolveEnded({ report: null, holdings: null }));
  }

  static async start(setup: ServerSetup): Promise<CrashingServer> {
    const child = fork(await serverScript(), [], {
      env: { ...process.env, [SERVER_SETUP_ENV]: JSON.stringify(setup) },
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    return new CrashingServer(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGKILL, as an OOM killer or `kill -9` would; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Resolves once the process is gone (a server told a crash point kills itself). */
  async gone(): Promise<void> {
    await this.exited;
  }
}
