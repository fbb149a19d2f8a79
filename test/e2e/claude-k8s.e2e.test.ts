/**
 * The real thing: THIS package packed with `npm pack` and installed into a real Paperclip server
 * exactly as the README says (`{"packageName", "version": "file:<abs .tgz>"}`), an agent on the
 * embedded local runtime with the scripted Claude stand-in, and the outcomes an operator sees — run
 * status, usage, billing and the Cost cell, session resume per task, the stored log and its order,
 * cancel, named failures, Test environment — ending with a server stop that leaves nothing running.
 *
 * Needs the package built (dist/). CLAUDE_K8S_E2E_PACKAGE_DIR packs another directory instead
 * (e.g. a staged build).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_ENABLED } from "./support/e2e-enabled.js";
import { TERMINAL_RUN_STATUSES, type HeartbeatRun } from "./support/paperclip-api.js";
import { startPaperclipServer, type PaperclipServer } from "./support/paperclip-server.js";
import { isSameProcessAlive, processTree } from "./support/process-tree.js";
import { packInto } from "./support/pack-package.js";
import { readStandInInvocations, standInProcessesRecordingTo } from "./support/stand-in-record.js";
import { costCell, expectStoredLinesMatch, stdoutLines, storedStdoutLines } from "./support/stored-run-log.js";
import { ensureToolchain } from "./support/toolchain.js";
import { HOST_CONTROLLED_KEYS, SCHEMA_FIELD_KEYS } from "../../src/paperclip/config-schema.js";
import { evaluateLikeTheHost } from "../unit/ui-parser/load-bundle.js";

const REPO = resolve(import.meta.dirname, "../..");
const PACKAGE_DIR = process.env.CLAUDE_K8S_E2E_PACKAGE_DIR ?? REPO;
const ADAPTER_TYPE = "claude_k8s";
const PACKAGE_NAME = "paperclip-adapter-claude-k8s";
/**
 * The installed package's own stand-in (shipped in the tarball): the local runtime's sandbox shows
 * pods the stand-in directory of the adapter that runs them, which is Paperclip's installed copy.
 */
const installedStandInBin = (home: string) =>
  join(home, "adapter-plugins", "node_modules", PACKAGE_NAME, "src", "stand-in", "bin");
/** Our named checks from testEnvironment: at least these must be reported. */
const EXPECTED_CHECK_PREFIXES = ["data_volume", "run_log_root", "paperclip_api_url"];

const log = (line: string) => console.log(`[e2e] ${line}`);
let server: PaperclipServer;
/**
 * The stand-in's invocation record, relative: each pod appends to it in its own working directory,
 * the only place under the data volume every pod can write (its sandbox shows it nothing else).
 */
const recordFile = `stand-in-invocations-${process.pid}.ndjson`;
let companyId: string;
let packDir: string;
let installed: { type: string; packageName: string; version: string };

/** Agent config for the embedded local runtime and the stand-in in `scenario`. */
function agentConfig(scenario: string, extraEnv: Record<string, string> = {}): Record<string, unknown> {
  return {
    runtime: "local",
    dataMountPath: server.home,
    paperclipApiUrl: server.baseUrl,
    retainJobs: true, // keep the pod's own log file so the test can compare it with Paperclip's log
    env: {
      CLAUDE_STAND_IN_SCENARIO: scenario,
      CLAUDE_STAND_IN_DELAY_MS: "20",
      CLAUDE_STAND_IN_RECORD: recordFile,
      ...extraEnv,
    },
  };
}

async function createAgent(name: string, config: Record<string, unknown>): Promise<string> {
  const agent = await server.api.createAgent(companyId, { name, adapterType: ADAPTER_TYPE, adapterConfig: config });
  return agent.id;
}

async function runToEnd(
  agentId: string,
  options: { taskKey?: string; timeoutMs?: number } = {},
): Promise<HeartbeatRun> {
  const queued = await server.api.wakeAgent(agentId, options.taskKey);
  return server.api.waitForRun(queued.id, undefined, options.timeoutMs ?? 90_000);
}

/** Every stdout line Paperclip stored for the run, status lines included, in order. */
async function storedStdout(run: HeartbeatRun): Promise<string[]> {
  return storedStdoutLines(await server.api.readRunLog(run.id));
}

/** The transcript's result event, as the pod wrote it. */
function resultEventOf(run: HeartbeatRun): Record<string, unknown> {
  return podEvents(run).findLast((event) => event.type === "result") ?? {};
}

/** The transcript's events, as the pod wrote them. */
function podEvents(run: HeartbeatRun): Array<Record<string, unknown>> {
  const lines = readFileSync(podLogFile(run), "utf8").split("\n").filter(Boolean);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Asserts Paperclip's stored log holds the pod's transcript line for line; returns the transcript. */
async function expectStoredTranscript(run: HeartbeatRun): Promise<string[]> {
  const transcript = readFileSync(podLogFile(run), "utf8")
    .split("\n")
    .filter((line) => line !== "");
  expectStoredLinesMatch(stdoutLines(await server.api.readRunLog(run.id)), transcript);
  return transcript;
}

function podLogFile(run: HeartbeatRun): string {
  return join(server.home, "instances", "default", "data", "run-logs", companyId, run.agentId, run.id, "stdout.ndjson");
}

const invocations = () => readStandInInvocations(server.home, recordFile);
const standInProcessesOfThisSuite = () => standInProcessesRecordingTo(recordFile);

beforeAll(async () => {
  if (!E2E_ENABLED) return;
  const adapterEntry = join(PACKAGE_DIR, "dist", "index.js");
  if (!existsSync(adapterEntry))
    throw new Error(`${adapterEntry} is missing: run \`npm run build\` before the e2e suite`);
  const toolchain = await ensureToolchain(log);
  server = await startPaperclipServer({
    toolchain,
    log,
    env: { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1" },
    homeEnv: (home) => ({ CLAUDE_K8S_LOCAL_PATH_PREPEND: installedStandInBin(home) }),
  });
  // The README's install: `npm pack`, then Paperclip installs the tarball by its absolute path.
  packDir = mkdtempSync(join(tmpdir(), "claude-k8s-pack-"));
  const tarball = packInto(PACKAGE_DIR, packDir);
  installed = await server.api.installAdapterPackage(PACKAGE_NAME, `file:${tarball}`);
  companyId = (await server.api.createCompany("claude-k8s e2e")).id;
});

afterAll(async () => {
  await server?.stop();
  if (packDir) rmSync(packDir, { recursive: true, force: true });
});

describe.runIf(E2E_ENABLED)("claude_k8s in a real Paperclip server (local runtime, Claude stand-in)", () => {
  const TASK = "e2e-task-1";
  let agentId: string;
  let firstRun: HeartbeatRun;

  it("installs from the packed tarball the way the README says, with its dependencies, into Paperclip's plugins dir", () => {
    const version = (JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as { version: string })
      .version;
    expect(installed).toMatchObject({ type: ADAPTER_TYPE, packageName: PACKAGE_NAME, version });
    const modules = join(server.home, "adapter-plugins", "node_modules");
    expect(existsSync(join(modules, PACKAGE_NAME, "dist", "index.js"))).toBe(true);
    // A regular dependency: the server's own copy is not resolvable from the plugins dir.
    expect(existsSync(join(modules, "@paperclipai", "adapter-utils", "package.json"))).toBe(true);
  });

  it("runs the agent to succeeded and stores usage, billing, cost and the session id", async () => {
    agentId = await createAgent("Stand-in Agent", agentConfig("success"));
    firstRun = await runToEnd(agentId, { taskKey: TASK });
    expect(firstRun.status, `${firstRun.error ?? ""}\n${server.tail()}`).toBe("succeeded");
    expect(firstRun.exitCode).toBe(0);
    const usage = firstRun.usageJson ?? {};
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    // No API key reaches this pod: claude reports a login, which Paperclip bills as included.
    expect(usage.costUsd).toBe(resultEventOf(firstRun).total_cost_usd);
    expect(usage).toMatchObject({ billingType: "subscription_included", biller: "anthropic" });
    expect(costCell(firstRun)).toBe(0);
    expect(firstRun.sessionIdAfter).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("bills a run whose claude used an API key as metered, and its Cost cell shows claude's cost", async () => {
    const keyed = await createAgent(
      "API-key Agent",
      agentConfig("success", { ANTHROPIC_API_KEY: "sk-ant-e2e-not-a-key" }),
    );
    const run = await runToEnd(keyed);
    expect(run.status, run.error ?? "").toBe("succeeded");
    const cost = resultEventOf(run).total_cost_usd;
    expect(cost).toBeGreaterThan(0);
    expect(run.usageJson).toMatchObject({ billingType: "metered_api", biller: "anthropic", costUsd: cost });
    expect(costCell(run)).toBe(cost);
  });

  it("stores every line of the transcript in Paperclip's run log, in order", async () => {
    const transcript = await expectStoredTranscript(firstRun);
    expect(transcript.length).toBeGreaterThan(3);
    expect(JSON.parse(transcript[transcript.length - 1] ?? "{}")).toMatchObject({ type: "result" });
  });

  it("delivers a multi-megabyte tool result line whole into Paperclip's log", async () => {
    const hugeAgent = await createAgent("Huge-line Agent", agentConfig("huge-line", { CLAUDE_STAND_IN_HUGE_MB: "3" }));
    const run = await runToEnd(hugeAgent);
    expect(run.status, run.error ?? "").toBe("succeeded");
    const transcript = await expectStoredTranscript(run);
    // The stand-in's 3 MiB tool result is made of multi-byte characters: measure the line in bytes.
    const longest = Math.max(...transcript.map((line) => Buffer.byteLength(line, "utf8")));
    expect(longest).toBeGreaterThan(3 * 1024 * 1024);
  });

  it("answers testEnvironment with the adapter's named checks", async () => {
    const result = await server.api.testEnvironment(companyId, ADAPTER_TYPE, agentConfig("success"));
    const codes = result.checks.map((check) => check.code);
    for (const prefix of EXPECTED_CHECK_PREFIXES)
      expect(
        codes.some((code) => code.startsWith(prefix)),
        codes.join(),
      ).toBe(true);
    expect(result.status).not.toBe("fail");
  });

  it("serves the config schema without the keys Paperclip's form edits with its own controls", async () => {
    const schema = await server.api.getConfigSchema(ADAPTER_TYPE);
    const keys = schema.fields.map((field) => field.key);
    expect(keys).toEqual(SCHEMA_FIELD_KEYS);
    for (const key of HOST_CONTROLLED_KEYS) expect(keys).not.toContain(key);
  });

  it("tests the empty default config without creating anything, and names what to set", async () => {
    const before = existsSync("/paperclip");
    const result = await server.api.testEnvironment(companyId, ADAPTER_TYPE, {});
    expect(existsSync("/paperclip")).toBe(before);
    expect(result.status).toBe("fail");
    expect(result.checks.map((check) => check.code)).toEqual(["k8s_not_configured"]);
    expect(result.checks[0]?.message).toContain("KUBECONFIG");
  });

  it("fails the first run of an agent created with {} (the wizard) with a named error saying what to set", async () => {
    const wizard = await createAgent("Wizard Agent", {});
    const run = await runToEnd(wizard);
    expect(run.status).toBe("failed");
    expect(run.errorCode).toBe("k8s_not_configured");
    expect(run.error).toContain('runtime to "local"');
  });

  it("on the local runtime without paperclipApiUrl, reports the URL runs will use instead of failing", async () => {
    const { paperclipApiUrl: _unused, ...config } = agentConfig("success");
    void _unused;
    const result = await server.api.testEnvironment(companyId, ADAPTER_TYPE, config);
    const apiCheck = result.checks.find((check) => check.code === "paperclip_api_url");
    expect(apiCheck?.level, JSON.stringify(result.checks)).toBe("info");
    expect(apiCheck?.message).toMatch(/http:\/\/(localhost|127\.0\.0\.1):\d+/);
    expect(result.status).not.toBe("fail");
  });

  it("serves our ui-parser, and the browser's sandboxed loader can run it", async () => {
    const parse = evaluateLikeTheHost(await server.api.getUiParserSource(ADAPTER_TYPE));
    const init = JSON.stringify({ type: "system", subtype: "init", session_id: "s-1", model: "claude-x" });
    expect(parse(init, "t")).toEqual([{ kind: "init", ts: "t", model: "claude-x", sessionId: "s-1" }]);
  });

  it("lists our models for the model picker", async () => {
    const ids = (await server.api.listModels(companyId, ADAPTER_TYPE)).map((model) => model.id);
    expect(ids).toContain("claude-sonnet-4-6");
  });

  it("stores the session with its directory per task, and resumes it there on the task's next wake", async () => {
    const init = podEvents(firstRun).find((event) => event.type === "system" && event.subtype === "init");
    const cwd = String(init?.cwd ?? "");
    expect(cwd).not.toBe("");
    const stored = (await server.api.listTaskSessions(agentId)).find((session) => session.taskKey === TASK);
    expect(stored?.sessionParamsJson).toMatchObject({ sessionId: firstRun.sessionIdAfter, cwd });
    expect(stored?.sessionParamsJson?.configDir).toEqual(expect.stringContaining("/.claude"));

    const before = new Set(invocations().map((invocation) => JSON.stringify(invocation)));
    const second = await runToEnd(agentId, { taskKey: TASK });
    expect(second.status, second.error ?? "").toBe("succeeded");
    const added = invocations().filter((invocation) => !before.has(JSON.stringify(invocation)));
    const argv = added[0]?.argv ?? [];
    expect(argv).toContain("--resume");
    expect(argv[argv.indexOf("--resume") + 1]).toBe(firstRun.sessionIdAfter);
    const notes = (await storedStdout(second)).filter((line) => line.includes("session"));
    expect(notes).toContain(`[claude-k8s] resuming session ${firstRun.sessionIdAfter} (same directory ${cwd})`);
    expect(notes.join("\n")).not.toContain("legacy");
    expect(second.sessionIdAfter).toBe(firstRun.sessionIdAfter);
  });

  it("cancels a long run: the cancel call answers 200, the run is cancelled and the pod's processes are gone", async () => {
    const slowAgent = await createAgent(
      "Slow Agent",
      agentConfig("slow", { CLAUDE_STAND_IN_DURATION_S: "120", CLAUDE_STAND_IN_TICK_MS: "500" }),
    );
    const queued = await server.api.wakeAgent(slowAgent);
    const deadline = Date.now() + 60_000;
    while (standInProcessesOfThisSuite().length === 0 && Date.now() < deadline) {
      const early = await server.api.getRun(queued.id);
      if (TERMINAL_RUN_STATUSES.includes(early.status))
        throw new Error(`run ended before cancel: ${early.status} ${early.error ?? ""}`);
      await sleep(200);
    }
    expect(standInProcessesOfThisSuite().length, "the slow stand-in never started").toBeGreaterThan(0);

    const cancel = await server.api.cancelRun(queued.id);
    expect(cancel.status, cancel.body).toBe(200);
    const run = await server.api.waitForRun(queued.id, undefined, 60_000);
    expect(run.status).toBe("cancelled");
    const gone = Date.now() + 10_000;
    while (standInProcessesOfThisSuite().length > 0 && Date.now() < gone) await sleep(100);
    expect(standInProcessesOfThisSuite()).toEqual([]);
  });

  it("stores the adapter's errorCode when Claude is not logged in, the pod's end after claude's last line", async () => {
    const failing = await createAgent("Logged-out Agent", agentConfig("auth-error"));
    const run = await runToEnd(failing);
    expect(run.status).toBe("failed");
    expect(run.errorCode).toBe("claude_auth_required");
    const lines = await storedStdout(run);
    const lastClaudeLine = lines.findLastIndex((line) => !line.startsWith("[claude-k8s]"));
    const podEnded = lines.findIndex((line) => /^\[claude-k8s\] .*pod \S+ ended/.test(line));
    expect(lastClaudeLine, lines.join("\n")).toBeGreaterThanOrEqual(0);
    expect(podEnded, lines.join("\n")).toBeGreaterThan(lastClaudeLine);
  });

  it("stops the server by pid and leaves none of its processes running", async () => {
    const tree = processTree(server.pid);
    await server.stop();
    expect(tree.filter(isSameProcessAlive)).toEqual([]);
    expect(standInProcessesOfThisSuite()).toEqual([]);
  });
});
