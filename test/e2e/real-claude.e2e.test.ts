/**
 * The REAL Claude Code CLI (the pinned devDependency) in a real Paperclip server: THIS package
 * installed through the adapter-install API, an agent on the embedded local runtime, and the
 * Anthropic API double as the model. The server's own ANTHROPIC_BASE_URL and ANTHROPIC_API_KEY
 * reach the pods as a cluster's would (the key through a Secret reference).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFilePaths } from "../../src/domain/run-log-paths.js";
import { realClaudeBinDirectory } from "../../src/real-claude/real-claude-location.js";
import { AnthropicApiDouble, apiErrors, byTurn, reply, toolResultsOf } from "../support/anthropic-api-double/index.js";
import { E2E_ENABLED } from "./support/e2e-enabled.js";
import type { HeartbeatRun } from "./support/paperclip-api.js";
import { startPaperclipServer, type PaperclipServer } from "./support/paperclip-server.js";
import { isSameProcessAlive, listProcesses, processTree } from "./support/process-tree.js";
import { ensureToolchain } from "./support/toolchain.js";

const REPO = resolve(import.meta.dirname, "../..");
const PACKAGE_DIR = process.env.CLAUDE_K8S_E2E_PACKAGE_DIR ?? REPO;
const ADAPTER_TYPE = "claude_k8s";
const API_KEY = "sk-ant-api03-e2e-double-only";

const log = (line: string) => console.log(`[e2e real claude] ${line}`);
let server: PaperclipServer;
let model: AnthropicApiDouble;
let scratch: string;
let companyId: string;
let claudeBinDirectory: string;

function agentConfig(): Record<string, unknown> {
  return {
    runtime: "local",
    dataMountPath: server.home,
    paperclipApiUrl: server.baseUrl,
    retainJobs: true, // keep the prompt file the adapter wrote, to compare with what the model received
    env: {
      DISABLE_AUTOUPDATER: "1",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      // As root claude refuses --dangerously-skip-permissions outside a declared sandbox.
      ...(process.getuid?.() === 0 ? { IS_SANDBOX: "1" } : {}),
    },
  };
}

async function runToEnd(agentId: string): Promise<HeartbeatRun> {
  const queued = await server.api.wakeAgent(agentId);
  return server.api.waitForRun(queued.id, undefined, 120_000);
}

/** The prompt the adapter built for `run`, as it wrote it for the pod. */
function builtPrompt(run: HeartbeatRun): string {
  const runLogRoot = join(server.home, "instances", "default", "data", "run-logs");
  return readFileSync(
    runFilePaths(runLogRoot, { tenantId: companyId, agentId: run.agentId, runId: run.id }).prompt,
    "utf8",
  );
}

function realClaudeProcesses(): number[] {
  return listProcesses()
    .filter((info) => info.command.includes(claudeBinDirectory) || info.command.startsWith("claude "))
    .map((info) => info.pid);
}

beforeAll(async () => {
  if (!E2E_ENABLED) return;
  if (!existsSync(join(PACKAGE_DIR, "dist", "index.js"))) throw new Error("run `npm run build` before the e2e suite");
  const found = realClaudeBinDirectory();
  if (found === null) throw new Error("the real Claude Code CLI is not installed: run `npm ci`");
  claudeBinDirectory = found;
  const toolchain = await ensureToolchain(log);
  scratch = mkdtempSync(join(tmpdir(), "claude-k8s-e2e-real-"));
  model = await AnthropicApiDouble.start();
  server = await startPaperclipServer({
    toolchain,
    log,
    env: {
      CLAUDE_K8S_LOCAL_PATH_PREPEND: claudeBinDirectory,
      CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1",
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: API_KEY,
    },
  });
  expect((await server.api.installAdapterFromPath(PACKAGE_DIR)).type).toBe(ADAPTER_TYPE);
  companyId = (await server.api.createCompany("claude-k8s e2e real claude")).id;
});

afterAll(async () => {
  await server?.stop();
  await model?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.runIf(E2E_ENABLED)("the real Claude Code CLI in a real Paperclip server (local runtime, API double)", () => {
  let agentId: string;
  let first: HeartbeatRun;

  it("runs to succeeded with a Bash call claude really ran; the model got exactly the built prompt", async () => {
    model.respond(byTurn(reply.bash("echo ran-in-a-paperclip-run-pod"), reply.text("All done.")));
    agentId = (
      await server.api.createAgent(companyId, {
        name: "Real Claude",
        adapterType: ADAPTER_TYPE,
        adapterConfig: agentConfig(),
      })
    ).id;
    first = await runToEnd(agentId);

    expect(first.status, `${first.error ?? ""}\n${server.tail()}`).toBe("succeeded");
    expect(first.exitCode).toBe(0);
    expect(first.sessionIdAfter).toMatch(/^[0-9a-f-]{36}$/);
    const calls = model.messageCalls();
    expect(calls).toHaveLength(2);
    expect(calls[0]!.headers["x-api-key"]).toBe(API_KEY);
    expect(toolResultsOf(calls[1]!.body!)).toEqual(["ran-in-a-paperclip-run-pod"]);
    const prompt = builtPrompt(first);
    expect(prompt.length).toBeGreaterThan(0);
    expect(model.prompts()).toEqual([[prompt], [prompt]]);
  });

  it("resumes the session on the next wake: the model sees the first run's conversation", async () => {
    const before = model.messageCalls().length;
    model.respond(byTurn(reply.text("Resumed.")));
    const second = await runToEnd(agentId);

    expect(second.status, second.error ?? "").toBe("succeeded");
    expect(second.sessionIdAfter).toBe(first.sessionIdAfter);
    const call = model.messageCalls()[before]!;
    expect(JSON.stringify(call.body!.messages)).toContain("All done.");
    expect(model.prompts().slice(before)).toEqual([[builtPrompt(second)]]);
  });

  it("stores claude_auth_required with claude's words when the API rejects the key", async () => {
    model.respond(byTurn(apiErrors.invalidApiKey()));
    const failing = await server.api.createAgent(companyId, {
      name: "Rejected Key",
      adapterType: ADAPTER_TYPE,
      adapterConfig: agentConfig(),
    });
    const run = await runToEnd(failing.id);

    expect(run.status).toBe("failed");
    expect(run.errorCode).toBe("claude_auth_required");
    expect(run.error).toContain("Invalid API key");
  });

  it("stops the server and leaves no claude process running", async () => {
    const tree = processTree(server.pid);
    await server.stop();
    expect(tree.filter(isSameProcessAlive)).toEqual([]);
    expect(realClaudeProcesses()).toEqual([]);
  });
});
