/**
 * The real thing: THIS package installed into a real Paperclip server through its adapter-install
 * API, an agent on the embedded local runtime with the scripted Claude stand-in, and the outcomes
 * an operator sees — run status, usage, cost, session, the stored log, resume, cancel, a named
 * failure — ending with a server stop that leaves nothing running.
 *
 * Needs the package built (dist/). CLAUDE_K8S_E2E_PACKAGE_DIR installs another directory instead
 * (e.g. a staged build).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_ENABLED } from "./support/e2e-enabled.js";
import { TERMINAL_RUN_STATUSES, type HeartbeatRun, type RunLogChunk } from "./support/paperclip-api.js";
import { startPaperclipServer, type PaperclipServer } from "./support/paperclip-server.js";
import { hasEnvironmentEntry, isSameProcessAlive, listProcesses, processTree } from "./support/process-tree.js";
import { ensureToolchain } from "./support/toolchain.js";
import { CONFIG_FIELD_KEYS } from "../../src/domain/config/config-fields.js";
import { evaluateLikeTheHost } from "../unit/ui-parser/load-bundle.js";

const REPO = resolve(import.meta.dirname, "../..");
const PACKAGE_DIR = process.env.CLAUDE_K8S_E2E_PACKAGE_DIR ?? REPO;
const STAND_IN_BIN = join(REPO, "src", "stand-in", "bin");
const ADAPTER_TYPE = "claude_k8s";
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

interface StandInInvocation {
  readonly argv: string[];
}

/** Every pod's record lines; one agent's lines stay in their order. */
function readInvocations(): StandInInvocation[] {
  const files = readdirSync(server.home, { recursive: true, encoding: "utf8" })
    .filter((path) => basename(path) === recordFile)
    .sort();
  return files.flatMap((file) =>
    readFileSync(join(server.home, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as StandInInvocation),
  );
}

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

async function runToEnd(agentId: string, timeoutMs = 90_000): Promise<HeartbeatRun> {
  const queued = await server.api.wakeAgent(agentId);
  return server.api.waitForRun(queued.id, undefined, timeoutMs);
}

/** The stdout the agent produced, as Paperclip stored it: every stdout chunk joined, split into lines. */
function stdoutLines(chunks: readonly RunLogChunk[]): string[] {
  return chunks
    .filter((chunk) => chunk.stream === "stdout")
    .map((chunk) => chunk.chunk)
    .join("")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("[claude-k8s]") && !line.startsWith("[paperclip]"));
}

/** Paperclip stores at most 64K chars per onLog chunk and marks the cut with this line. */
const PAPERCLIP_TRUNCATION_MARKER = "[paperclip truncated run log chunk";
/** What Paperclip redacts in stored log chunks (values of secret-looking keys such as apiKeySource). */
const REDACTED = "***REDACTED***";

/**
 * The transcript line as Paperclip's log API shows it: the original, except string values the API
 * replaced with REDACTED. Returns the original line unchanged when anything else differs, so a
 * mismatch shows up as a normal diff.
 */
function asStoredByPaperclip(storedLine: string, originalLine: string): string {
  if (storedLine === originalLine || !storedLine.includes(REDACTED)) return originalLine;
  const redactLike = (stored: unknown, original: unknown): unknown => {
    if (stored === REDACTED && typeof original === "string") return REDACTED;
    if (Array.isArray(stored) && Array.isArray(original)) return original.map((item, i) => redactLike(stored[i], item));
    if (stored && original && typeof stored === "object" && typeof original === "object") {
      const storedRecord = stored as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(original as Record<string, unknown>).map(([key, value]) => [
          key,
          redactLike(storedRecord[key], value),
        ]),
      );
    }
    return original;
  };
  return JSON.stringify(redactLike(JSON.parse(storedLine), JSON.parse(originalLine)));
}

/** Asserts Paperclip's stored log holds the pod's transcript line for line; returns the transcript. */
async function expectStoredTranscript(run: HeartbeatRun): Promise<string[]> {
  const transcript = readFileSync(podLogFile(run), "utf8")
    .split("\n")
    .filter((line) => line !== "");
  const stored = stdoutLines(await server.api.readRunLog(run.id));
  const truncated = stored.filter((line) => line.startsWith(PAPERCLIP_TRUNCATION_MARKER));
  expect(truncated, "Paperclip truncated an onLog chunk over 64K chars: send long lines in smaller chunks").toEqual([]);
  expect(stored).toHaveLength(transcript.length);
  stored.forEach((line, index) => expect(asStoredByPaperclip(line, transcript[index] ?? "")).toBe(line));
  return transcript;
}

function podLogFile(run: HeartbeatRun): string {
  return join(server.home, "instances", "default", "data", "run-logs", companyId, run.agentId, run.id, "stdout.ndjson");
}

function standInProcessesOfThisSuite(): number[] {
  return listProcesses()
    .filter((info) => info.command.includes("claude-stand-in"))
    .filter((info) => hasEnvironmentEntry(info.pid, `CLAUDE_STAND_IN_RECORD=${recordFile}`))
    .map((info) => info.pid);
}

beforeAll(async () => {
  if (!E2E_ENABLED) return;
  const adapterEntry = join(PACKAGE_DIR, "dist", "index.js");
  if (!existsSync(adapterEntry))
    throw new Error(`${adapterEntry} is missing: run \`npm run build\` before the e2e suite`);
  const toolchain = await ensureToolchain(log);
  server = await startPaperclipServer({
    toolchain,
    log,
    env: { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1", CLAUDE_K8S_LOCAL_PATH_PREPEND: STAND_IN_BIN },
  });
  const installed = await server.api.installAdapterFromPath(PACKAGE_DIR);
  expect(installed.type).toBe(ADAPTER_TYPE);
  companyId = (await server.api.createCompany("claude-k8s e2e")).id;
});

afterAll(async () => {
  await server?.stop();
});

describe.runIf(E2E_ENABLED)("claude_k8s in a real Paperclip server (local runtime, Claude stand-in)", () => {
  let agentId: string;
  let firstRun: HeartbeatRun;

  it("runs the agent to succeeded and stores usage, cost and the session id", async () => {
    agentId = await createAgent("Stand-in Agent", agentConfig("success"));
    firstRun = await runToEnd(agentId);
    expect(firstRun.status, `${firstRun.error ?? ""}\n${server.tail()}`).toBe("succeeded");
    expect(firstRun.exitCode).toBe(0);
    const usage = firstRun.usageJson ?? {};
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.costUsd).toBeGreaterThan(0);
    expect(firstRun.sessionIdAfter).toMatch(/^[0-9a-f-]{36}$/);
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

  it("serves the config schema with every field of the config table", async () => {
    const schema = await server.api.getConfigSchema(ADAPTER_TYPE);
    expect(schema.fields.map((field) => field.key)).toEqual(CONFIG_FIELD_KEYS);
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

  it("resumes the previous session on the next wake (--resume <session>)", async () => {
    const before = new Set(readInvocations().map((invocation) => JSON.stringify(invocation)));
    const second = await runToEnd(agentId);
    expect(second.status, second.error ?? "").toBe("succeeded");
    const added = readInvocations().filter((invocation) => !before.has(JSON.stringify(invocation)));
    const argv = added[0]?.argv ?? [];
    expect(argv[argv.indexOf("--resume") + 1]).toBe(firstRun.sessionIdAfter);
    expect(argv).toContain("--resume");
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

  it("stores the adapter's errorCode when Claude is not logged in", async () => {
    const failing = await createAgent("Logged-out Agent", agentConfig("auth-error"));
    const run = await runToEnd(failing);
    expect(run.status).toBe("failed");
    expect(run.errorCode).toBe("claude_auth_required");
  });

  it("stops the server by pid and leaves none of its processes running", async () => {
    const tree = processTree(server.pid);
    await server.stop();
    expect(tree.filter(isSameProcessAlive)).toEqual([]);
    expect(standInProcessesOfThisSuite()).toEqual([]);
  });
});
