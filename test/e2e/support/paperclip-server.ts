/**
 * A fresh, throwaway Paperclip server for e2e tests: its own PAPERCLIP_HOME in a temp dir, its own
 * free loopback ports (HTTP and embedded PostgreSQL), telemetry and update checks off. `stop()`
 * ends it by pid (SIGTERM, then SIGKILL after a bound) and fails if any of its processes remain.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freeLoopbackPort } from "./free-port.js";
import { PaperclipApi } from "./paperclip-api.js";
import { isSameProcessAlive, listProcesses, processTree, signalQuietly, type ProcessInfo } from "./process-tree.js";
import type { Log, Toolchain } from "./toolchain.js";

export interface StartOptions {
  readonly toolchain: Toolchain;
  /** Extra environment for the server process (and so for adapters it runs). */
  readonly env?: Readonly<Record<string, string>>;
  /** More of it that names paths in the server's fresh home (PAPERCLIP_HOME), e.g. its adapter-plugins dir. */
  readonly homeEnv?: (home: string) => Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
  readonly log?: Log;
  /** Serve Paperclip's web UI at baseUrl too (the browser e2e); off by default, the API suites need none. */
  readonly serveUi?: boolean;
}

export interface PaperclipServer {
  readonly home: string;
  readonly baseUrl: string;
  readonly api: PaperclipApi;
  readonly pid: number;
  readonly logFile: string;
  /** The last lines of the server's own output, for failure messages. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

const INSTANCE_ID = "default";
const STOP_GRACE_MS = 20_000;
const KILL_WAIT_MS = 10_000;

function postgresIds(): { uid: number; gid: number } | null {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The instance layout; as root the db dir must belong to `postgres`, which runs the database. */
function prepareHome(): { home: string; instanceRoot: string; dbDir: string } {
  const home = mkdtempSync(join(tmpdir(), "claude-k8s-e2e-"));
  const instanceRoot = join(home, "instances", INSTANCE_ID);
  const dbDir = join(instanceRoot, "db");
  mkdirSync(dbDir, { recursive: true });
  // postgres must traverse down to its data dir.
  for (const dir of [home, join(home, "instances"), instanceRoot]) chmodSync(dir, 0o755);
  const ids = process.getuid?.() === 0 ? postgresIds() : null;
  if (ids) chownSync(dbDir, ids.uid, ids.gid);
  chmodSync(dbDir, 0o700);
  return { home, instanceRoot, dbDir };
}

/** The config `onboard --yes` would write, with our ports, no telemetry, no update checks, no backups. */
function writeConfig(
  instanceRoot: string,
  dbDir: string,
  serverPort: number,
  dbPort: number,
  serveUi: boolean,
): string {
  const config = {
    $meta: { version: 1, updatedAt: new Date().toISOString(), source: "onboard" },
    database: {
      mode: "embedded-postgres",
      embeddedPostgresDataDir: dbDir,
      embeddedPostgresPort: dbPort,
      backup: { enabled: false, intervalMinutes: 60, retentionDays: 1, dir: join(instanceRoot, "data", "backups") },
    },
    logging: { mode: "file", logDir: join(instanceRoot, "logs") },
    server: {
      deploymentMode: "local_trusted",
      exposure: "private",
      bind: "loopback",
      host: "127.0.0.1",
      port: serverPort,
      allowedHostnames: [],
      serveUi,
    },
    telemetry: { enabled: false },
    updates: { checkEnabled: false },
    auth: { baseUrlMode: "auto", disableSignUp: false },
    storage: {
      provider: "local_disk",
      localDisk: { baseDir: join(instanceRoot, "data", "storage") },
      s3: { bucket: "paperclip", region: "us-east-1", prefix: "", forcePathStyle: false },
    },
    secrets: {
      provider: "local_encrypted",
      strictMode: false,
      localEncrypted: { keyFilePath: join(instanceRoot, "secrets", "master.key") },
    },
  };
  const path = join(instanceRoot, "config.json");
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  return path;
}

/** The server's environment: ours, minus anything that could point it at another instance or database. */
function serverEnv(
  toolchain: Toolchain,
  home: string,
  configPath: string,
  port: number,
  extra: Record<string, string>,
) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.startsWith("PAPERCLIP_") && !key.startsWith("DATABASE_") && key !== "PORT",
    ),
  );
  return {
    ...inherited,
    PATH: `${toolchain.node24BinDir}:${process.env.PATH ?? ""}`,
    PAPERCLIP_HOME: home,
    PAPERCLIP_INSTANCE_ID: INSTANCE_ID,
    PAPERCLIP_CONFIG: configPath,
    PORT: String(port),
    PAPERCLIP_TELEMETRY_DISABLED: "1",
    DO_NOT_TRACK: "1",
    PAPERCLIP_UPDATE_CHECK: "0",
    ...extra,
  };
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "(no server output)";
  }
}

async function waitForHealth(api: PaperclipApi, child: ChildProcess, timeoutMs: number, logFile: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `Paperclip server exited during start (${child.exitCode ?? child.signalCode}):\n${tailOf(logFile, 40)}`,
      );
    }
    try {
      const health = await api.health();
      if (health.status === "ok") return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`Paperclip server not healthy within ${timeoutMs} ms:\n${tailOf(logFile, 40)}`);
}

function postmasterOf(dbDir: string): ProcessInfo | null {
  try {
    const pid = Number(readFileSync(join(dbDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return listProcesses().find((info) => info.pid === pid) ?? null;
  } catch {
    return null;
  }
}

async function waitUntilGone(processes: readonly ProcessInfo[], timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = processes.filter(isSameProcessAlive);
    if (alive.length === 0 || Date.now() > deadline) return alive;
    await sleep(100);
  }
}

/**
 * If the test process ends without calling stop() (a crash, Ctrl-C, a runner timeout), kill the
 * server's process group and its database on the way out, and remove its home, so nothing
 * outlives the run.
 * Returns the function that unregisters this safety net.
 */
function killOnHarnessExit(pid: number, dbDir: string, home: string): () => void {
  const killAll = () => {
    const postmaster = postmasterOf(dbDir);
    // Descendants may sit in process groups of their own (local-runtime pods), so kill each one.
    for (const info of processTree(pid)) signalQuietly(info.pid, "SIGKILL");
    signalQuietly(-pid, "SIGKILL");
    if (postmaster) signalQuietly(postmaster.pid, "SIGKILL");
    if (process.env.E2E_KEEP_HOME !== "1") rmSync(home, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    release();
    process.kill(process.pid, signal); // then die of the same signal, as without this handler
  };
  const release = () => {
    process.off("exit", killAll);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.once("exit", killAll);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return release;
}

export async function startPaperclipServer(options: StartOptions): Promise<PaperclipServer> {
  const { toolchain, log = () => {} } = options;
  const { home, instanceRoot, dbDir } = prepareHome();
  const [serverPort, dbPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  const configPath = writeConfig(instanceRoot, dbDir, serverPort, dbPort, options.serveUi ?? false);
  const env = serverEnv(toolchain, home, configPath, serverPort, { ...options.env, ...options.homeEnv?.(home) });
  const logFile = join(home, "server.log");

  // onboard on an existing config only adds what is missing: agent JWT secret, secrets key.
  const onboard = spawnSync(
    toolchain.node24,
    [toolchain.paperclipCli, "onboard", "--no-install-service", "-d", home, "-c", configPath],
    { cwd: home, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 },
  );
  if (onboard.status !== 0) {
    rmSync(home, { recursive: true, force: true });
    throw new Error(`paperclipai onboard failed (${String(onboard.status)}):\n${onboard.stdout}\n${onboard.stderr}`);
  }

  const out = openSync(logFile, "a");
  const child = spawn(toolchain.node24, [toolchain.paperclipCli, "run", "-d", home, "-c", configPath], {
    cwd: home,
    env,
    stdio: ["ignore", out, out],
    detached: true, // own process group: a last-resort SIGKILL reaches every process it started
  });
  closeSync(out); // the child holds its own copy
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not spawn paperclipai run");
  const baseUrl = `http://127.0.0.1:${serverPort}`;
  const api = new PaperclipApi(`${baseUrl}/api`);
  log(`Paperclip server pid ${pid} on ${baseUrl} (home ${home})`);

  const releaseEmergencyKill = killOnHarnessExit(pid, dbDir, home);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    releaseEmergencyKill();
    const postmaster = postmasterOf(dbDir);
    const tracked = [...processTree(pid), ...(postmaster ? processTree(postmaster.pid) : [])];
    signalQuietly(pid, "SIGTERM");
    let alive = await waitUntilGone(tracked, STOP_GRACE_MS);
    if (alive.length > 0) {
      log(`Paperclip did not stop within ${STOP_GRACE_MS} ms; killing ${alive.map((p) => p.pid).join(", ")}`);
      signalQuietly(-pid, "SIGKILL");
      for (const info of alive) signalQuietly(info.pid, "SIGKILL");
      alive = await waitUntilGone(tracked, KILL_WAIT_MS);
    }
    // Anything else still running from this home (e.g. a process that re-parented itself).
    const strays = listProcesses().filter((info) => info.command.includes(home));
    for (const info of strays) signalQuietly(info.pid, "SIGKILL");
    const leftovers = [...alive, ...(await waitUntilGone(strays, KILL_WAIT_MS))];
    if (process.env.E2E_KEEP_HOME !== "1") rmSync(home, { recursive: true, force: true });
    if (leftovers.length > 0) {
      throw new Error(
        `Paperclip left processes running after stop: ${leftovers.map((p) => `${p.pid} ${p.command}`).join("; ")}`,
      );
    }
  };

  try {
    await waitForHealth(api, child, options.startTimeoutMs ?? 120_000, logFile);
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return { home, baseUrl, api, pid, logFile, tail: (lines = 40) => tailOf(logFile, lines), stop };
}
