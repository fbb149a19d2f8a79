/**
 * What a user sees in the real Paperclip UI, in Debian's Chromium: a claude_k8s agent created and
 * configured through the UI's own forms, run with "Run now" on the local runtime with the Claude
 * stand-in, one run cancelled from its page, one failing with a named error — and the run page's
 * status, token, cost and transcript as shown. Screenshots go to .cache/e2e-screenshots/.
 *
 * Also the host's parser-Worker bug: the Worker source is taken from the installed Paperclip UI;
 * as shipped it dies in Chromium before it loads any external parser (so every external adapter's
 * transcript falls back to raw text), and with its getter-only assignments fixed it runs our
 * parser with the same output as in Node. When Paperclip fixes it, the "as shipped" test fails.
 */
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_ENABLED } from "../support/e2e-enabled.js";
import { PaperclipApiError, TERMINAL_RUN_STATUSES, type HeartbeatRun } from "../support/paperclip-api.js";
import { startPaperclipServer, type PaperclipServer } from "../support/paperclip-server.js";
import { isSameProcessAlive, processTree, type ProcessInfo } from "../support/process-tree.js";
import { ensureToolchain } from "../support/toolchain.js";
import { evaluateLikeTheHost } from "../../unit/ui-parser/load-bundle.js";
import {
  CHROMIUM_PATH,
  clearScreenshots,
  launchChromium,
  runParserWorker,
  screenshotRunPage,
  serveUiWithWorkerFixed,
} from "./browser-session.js";
import {
  loadHostParserWorker,
  paperclipUiAssetsDir,
  withGetterOnlyAssignmentsFixed,
  type HostParserWorker,
} from "./host-parser-worker.js";
import { PaperclipUi } from "./paperclip-ui.js";

const REPO = resolve(import.meta.dirname, "../../..");
const STAND_IN_BIN = join(REPO, "src", "stand-in", "bin");
const ADAPTER_TYPE = "claude_k8s";
/** The adapter's name in the host's adapter picker. */
const ADAPTER_LABEL = "Claude K8s";
/** The stand-in's first assistant message in the `success` scenario. */
const STAND_IN_FIRST_TEXT = "Let me look at the working directory first.";
const RAW_INIT_LINE_START = '{"type":"system","subtype":"init"';

const log = (line: string) => console.log(`[browser-e2e] ${line}`);
let server: PaperclipServer;
let browser: Browser;
let page: Page;
let ui: PaperclipUi;
let companyId: string;
let hostWorker: HostParserWorker;

interface AgentRow {
  readonly id: string;
  readonly name: string;
  readonly urlKey: string;
  readonly adapterType: string;
  readonly adapterConfig: Record<string, unknown>;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${server.baseUrl}/api${path}`);
  if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function agentNamed(name: string): Promise<AgentRow> {
  const agents = await getJson<AgentRow[]>(`/companies/${companyId}/agents`);
  const agent = agents.find((candidate) => candidate.name === name);
  if (!agent) throw new Error(`no agent "${name}" in ${agents.map((a) => a.name).join(", ")}`);
  return agent;
}

/** An agent made through the API (the UI path is proven once, by the first test). */
async function apiAgent(name: string, env: Record<string, string>): Promise<AgentRow> {
  const adapterConfig = { runtime: "local", dataMountPath: server.home, paperclipApiUrl: server.baseUrl, env };
  await server.api.createAgent(companyId, { name, adapterType: ADAPTER_TYPE, adapterConfig });
  return agentNamed(name);
}

/** The run's stdout lines as Paperclip stored them; none before its log exists (404). */
async function stdoutLines(runId: string): Promise<string[]> {
  const chunks = await server.api.readRunLog(runId).catch((error: unknown) => {
    if (error instanceof PaperclipApiError && error.status === 404) return [];
    throw error;
  });
  return chunks
    .filter((chunk) => chunk.stream === "stdout")
    .map((chunk) => chunk.chunk)
    .join("")
    .split("\n")
    .filter((line) => line.trim() !== "");
}

/** The run page after the run ended, reloaded so it shows the stored outcome. */
async function openEndedRun(agent: AgentRow, runId: string): Promise<HeartbeatRun> {
  const run = await server.api.waitForRun(runId, undefined, 90_000);
  await ui.openRun(agent.urlKey, runId);
  await expect.poll(() => ui.runStatus().first().innerText(), { timeout: 20_000 }).toBe(run.status);
  return run;
}

function chromiumProcesses(): ProcessInfo[] {
  return processTree(process.pid).filter((info) => info.command.includes("chromium"));
}

beforeAll(async () => {
  if (!E2E_ENABLED) return;
  clearScreenshots();
  const toolchain = await ensureToolchain(log);
  hostWorker = loadHostParserWorker(paperclipUiAssetsDir(toolchain.paperclipCli));
  server = await startPaperclipServer({
    toolchain,
    log,
    serveUi: true,
    env: { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1", CLAUDE_K8S_LOCAL_PATH_PREPEND: STAND_IN_BIN },
  });
  expect((await server.api.installAdapterFromPath(REPO)).type).toBe(ADAPTER_TYPE);
  const company = await server.api.createCompany("Browser Co");
  companyId = company.id;
  const { issuePrefix } = await getJson<{ issuePrefix: string }>(`/companies/${companyId}`);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(60_000);
  ui = new PaperclipUi(page, server.baseUrl, issuePrefix);
  log(`Chromium ${browser.version()} (${CHROMIUM_PATH}) on ${server.baseUrl}`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.runIf(E2E_ENABLED)("claude_k8s in the Paperclip UI (Debian Chromium)", () => {
  const agentName = "Browser Agent";
  let agent: AgentRow;
  let succeededRun: HeartbeatRun;

  it("creates the agent with the New agent form and configures the local runtime on its Runtime page", async () => {
    await ui.createAgent(agentName, ADAPTER_LABEL);
    agent = await agentNamed(agentName);
    expect(agent.adapterType).toBe(ADAPTER_TYPE);
    await ui.configureLocalRuntime(agent.urlKey, {
      dataMountPath: server.home,
      paperclipApiUrl: server.baseUrl,
      env: { CLAUDE_STAND_IN_SCENARIO: "success", CLAUDE_STAND_IN_DELAY_MS: "20" },
    });
    agent = await agentNamed(agentName);
    expect(agent.adapterConfig).toMatchObject({
      runtime: "local",
      dataMountPath: server.home,
      paperclipApiUrl: server.baseUrl,
    });
    expect(Object.keys(agent.adapterConfig.env as object).sort()).toEqual([
      "CLAUDE_STAND_IN_DELAY_MS",
      "CLAUDE_STAND_IN_SCENARIO",
    ]);
  });

  it("runs it with Run now: the run page shows succeeded and the run's tokens", async () => {
    const runId = await ui.runNow(agent.urlKey);
    succeededRun = await openEndedRun(agent, runId);
    expect(succeededRun.status, succeededRun.error ?? "").toBe("succeeded");
    const usage = succeededRun.usageJson ?? {};
    expect(await ui.metric("Input").innerText()).toBe(String(usage.inputTokens));
    expect(await ui.metric("Output").innerText()).toBe(String(usage.outputTokens));
    await screenshotRunPage(page, "run-succeeded");
  });

  // The stand-in runs without an API key, so the run is billed as a subscription (claude logged in):
  // the host's Cost cell shows no amount for `subscription_included`, by design, while the run
  // still stores the cost claude reported. API-key and Bedrock billing are asserted by the API e2e.
  it("stores claude's cost for a subscription-billed run, and the Cost cell shows no amount as the host does", async () => {
    const costUsd = Number(succeededRun.usageJson?.costUsd);
    expect(costUsd).toBeGreaterThan(0);
    expect(await ui.metric("Cost").innerText()).not.toMatch(/\$/);
  });

  it("shows the transcript as raw stream-json today: the host's parser Worker failed (host bug)", async () => {
    await ui.openRun(agent.urlKey, succeededRun.id);
    const text = await ui.mainText();
    expect(text).toContain(RAW_INIT_LINE_START);
    expect(text).not.toMatch(/^INIT/m);
  });

  it("renders our parser's entries on the run page once the host's Worker is fixed", async () => {
    const fixedPage = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    fixedPage.setDefaultTimeout(60_000);
    try {
      await serveUiWithWorkerFixed(fixedPage, hostWorker.assetFile.split("/").pop() ?? "");
      const fixedUi = new PaperclipUi(fixedPage, ui.baseUrl, ui.companyPrefix);
      await fixedUi.openRun(agent.urlKey, succeededRun.id);
      await fixedPage.getByText(STAND_IN_FIRST_TEXT, { exact: true }).waitFor();
      const text = await fixedUi.mainText();
      expect(text).not.toContain(RAW_INIT_LINE_START);
      expect(text).toMatch(/^INIT/m);
      expect(text).toContain(`session ${succeededRun.sessionIdAfter ?? "?"}`);
      expect(text).toMatch(/EXECUTED COMMAND/);
      // The result entry: input / output tokens / cost, as our parser reports them.
      const usage = succeededRun.usageJson ?? {};
      expect(text).toMatch(new RegExp(`${String(usage.inputTokens)} / ${String(usage.outputTokens)} / \\$0\\.\\d+`));
      await screenshotRunPage(fixedPage, "run-succeeded-worker-fixed");
    } finally {
      await fixedPage.close();
    }
  });

  it("the host's parser Worker, as shipped, dies in Chromium on its getter-only `self.caches` assignment", async () => {
    const parserSource = await server.api.getUiParserSource(ADAPTER_TYPE);
    const run = await runParserWorker(page, hostWorker.source, parserSource, []);
    expect(run.init).toEqual({
      died: "Uncaught TypeError: Cannot set property caches of #<WorkerGlobalScope> which has only a getter",
    });
  });

  it("the same Worker, fixed, runs our served parser with the same entries as in Node, for every line", async () => {
    const parserSource = await server.api.getUiParserSource(ADAPTER_TYPE);
    const lines = await stdoutLines(succeededRun.id);
    const ts = "2026-01-01T00:00:00.000Z";
    const run = await runParserWorker(page, withGetterOnlyAssignmentsFixed(hostWorker.source), parserSource, lines, ts);
    expect(run.init).toEqual({ answer: "ready" });
    const parse = evaluateLikeTheHost(parserSource);
    expect(run.entries).toEqual(lines.map((line) => parse(line, ts)));
    const kinds = new Set(run.entries.flat().map((entry) => entry.kind));
    for (const kind of ["init", "assistant", "tool_call", "tool_result", "result"]) expect(kinds).toContain(kind);
  });

  it("the fixed Worker keeps its lockdown: caches, indexedDB and fetch are gone for the parser", async () => {
    const probe = `module.exports = { parseStdoutLine: (line, ts) => [{ kind: "system", ts,
      text: [typeof caches, typeof indexedDB, typeof fetch].join(",") }] };`;
    const run = await runParserWorker(page, withGetterOnlyAssignmentsFixed(hostWorker.source), probe, ["x"], "t");
    expect(run.init).toEqual({ answer: "ready" });
    expect(run.entries).toEqual([[{ kind: "system", ts: "t", text: "undefined,undefined,undefined" }]]);
  });

  it("cancels a running run with the run page's Cancel button", async () => {
    const slow = await apiAgent("Slow Agent", {
      CLAUDE_STAND_IN_SCENARIO: "slow",
      CLAUDE_STAND_IN_DURATION_S: "120",
      CLAUDE_STAND_IN_TICK_MS: "500",
    });
    const runId = await ui.runNow(slow.urlKey);
    const deadline = Date.now() + 60_000;
    while (!(await stdoutLines(runId)).some((line) => line.includes("first output received"))) {
      const early = await server.api.getRun(runId);
      if (TERMINAL_RUN_STATUSES.includes(early.status)) throw new Error(`run ended before cancel: ${early.status}`);
      if (Date.now() > deadline) throw new Error("the slow stand-in produced no output within 60 s");
      await sleep(250);
    }
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    const run = await openEndedRun(slow, runId);
    expect(run.status).toBe("cancelled");
    expect(await ui.mainText()).toContain("Cancelled by a board operator");
    await screenshotRunPage(page, "run-cancelled");
  });

  it("shows a failed run's named error: Claude not logged in (claude_auth_required)", async () => {
    const loggedOut = await apiAgent("Logged-out Agent", { CLAUDE_STAND_IN_SCENARIO: "auth-error" });
    const runId = await ui.runNow(loggedOut.urlKey);
    const run = await openEndedRun(loggedOut, runId);
    expect(run.status).toBe("failed");
    const text = await ui.mainText();
    expect(text).toContain("(claude_auth_required)");
    expect(text).toContain("Claude has no usable Anthropic credentials");
    expect(text).toContain("Exit code 1");
    await screenshotRunPage(page, "run-failed-auth");
  });

  it("closes Chromium and stops the server, leaving no browser or server process", async () => {
    const before = chromiumProcesses();
    expect(before.length, "Chromium should be running before close").toBeGreaterThan(0);
    await browser.close();
    const serverTree = processTree(server.pid);
    await server.stop();
    const gone = Date.now() + 10_000;
    while (before.some(isSameProcessAlive) && Date.now() < gone) await sleep(100);
    expect(before.filter(isSameProcessAlive)).toEqual([]);
    expect(serverTree.filter(isSameProcessAlive)).toEqual([]);
  });
});
