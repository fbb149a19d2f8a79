/**
 * Proves every harness step against the real Paperclip server with a generated probe adapter:
 * onboard + start, install from a local path, company, agent, wake, run record, run log,
 * testEnvironment, and a stop that leaves no process behind.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_ENABLED } from "./support/e2e-enabled.js";
import { startPaperclipServer, type PaperclipServer } from "./support/paperclip-server.js";
import { isSameProcessAlive, listProcesses, processTree } from "./support/process-tree.js";
import { PROBE_ADAPTER_TYPE, PROBE_LINES, PROBE_RESULT, writeProbeAdapterPackage } from "./support/probe-adapter.js";
import { ensureToolchain } from "./support/toolchain.js";

const log = (line: string) => console.log(`[e2e] ${line}`);
let server: PaperclipServer;
let probeDir: string;
let companyId: string;
let agentId: string;
let firstRunId: string;

beforeAll(async () => {
  if (!E2E_ENABLED) return;
  const started = Date.now();
  const toolchain = await ensureToolchain(log);
  log(`toolchain ready in ${Date.now() - started} ms`);
  const booted = Date.now();
  server = await startPaperclipServer({ toolchain, log });
  log(`server healthy in ${Date.now() - booted} ms`);
  probeDir = writeProbeAdapterPackage();
});

afterAll(async () => {
  await server?.stop();
  if (probeDir) rmSync(probeDir, { recursive: true, force: true });
});

describe.runIf(E2E_ENABLED)("e2e harness against real Paperclip (probe adapter)", () => {
  it("installs an adapter package from its local path", async () => {
    const installed = await server.api.installAdapterFromPath(probeDir);
    expect(installed.type).toBe(PROBE_ADAPTER_TYPE);
  });

  it("creates a company and an agent using the installed adapter type", async () => {
    const company = await server.api.createCompany("E2E Harness Co");
    companyId = company.id;
    const agent = await server.api.createAgent(companyId, {
      name: "Probe Agent",
      adapterType: PROBE_ADAPTER_TYPE,
      adapterConfig: {},
    });
    agentId = agent.id;
    expect(agent.adapterType).toBe(PROBE_ADAPTER_TYPE);
  });

  it("wakes the agent and records a succeeded run with usage, cost and session id", async () => {
    const queued = await server.api.wakeAgent(agentId);
    firstRunId = queued.id;
    const run = await server.api.waitForRun(queued.id);
    expect(run.status, server.tail()).toBe("succeeded");
    expect(run.exitCode).toBe(0);
    expect(run.usageJson).toMatchObject({
      inputTokens: PROBE_RESULT.usage.inputTokens,
      outputTokens: PROBE_RESULT.usage.outputTokens,
      costUsd: PROBE_RESULT.costUsd,
      persistedSessionId: PROBE_RESULT.sessionId,
    });
  });

  it("serves the run log holding every onLog line in order, on its stream", async () => {
    const chunks = await server.api.readRunLog(firstRunId);
    const ours = chunks.filter((chunk) => chunk.chunk.startsWith("probe:"));
    expect(ours.map((chunk) => [chunk.stream, chunk.chunk])).toEqual(
      PROBE_LINES.map((line) => [line.stream, `${line.text}\n`]),
    );
  });

  it("passes the stored session to the next run", async () => {
    const queued = await server.api.wakeAgent(agentId);
    const run = await server.api.waitForRun(queued.id);
    expect(run.status).toBe("succeeded");
    expect(run.resultJson).toMatchObject({ resumedFrom: PROBE_RESULT.sessionId });
  });

  it("shows Paperclip truncates one onLog chunk over 64K chars but keeps a long line sent in pieces", async () => {
    const longLineChars = 300_000;
    const storedLongLine = async (chunkChars: number): Promise<string> => {
      const agent = await server.api.createAgent(companyId, {
        name: `Long-line probe ${chunkChars}`,
        adapterType: PROBE_ADAPTER_TYPE,
        adapterConfig: { longLineChars, chunkChars },
      });
      const run = await server.api.waitForRun((await server.api.wakeAgent(agent.id)).id);
      expect(run.status).toBe("succeeded");
      const stdout = (await server.api.readRunLog(run.id))
        .filter((chunk) => chunk.stream === "stdout")
        .map((chunk) => chunk.chunk)
        .join("");
      return stdout.slice(stdout.indexOf("probe-long:"));
    };
    const whole = await storedLongLine(longLineChars + 1);
    expect(whole).toContain("[paperclip truncated run log chunk");
    const pieces = await storedLongLine(32 * 1024);
    expect(pieces).not.toContain("[paperclip truncated");
    expect(pieces.length).toBe("probe-long:".length + longLineChars + 1);
  });

  it("answers testEnvironment with the adapter's own checks", async () => {
    const result = await server.api.testEnvironment(companyId, PROBE_ADAPTER_TYPE, {});
    expect(result.status).toBe("pass");
    expect(result.checks.map((check) => check.code)).toEqual(["probe_ready"]);
  });

  it("stops the server by pid and leaves none of its processes running", async () => {
    const tree = processTree(server.pid);
    expect(tree.some((info) => info.command.includes("postgres"))).toBe(true);
    await server.stop();
    expect(tree.filter(isSameProcessAlive)).toEqual([]);
    expect(listProcesses().filter((info) => info.command.includes(server.home))).toEqual([]);
  });
});
