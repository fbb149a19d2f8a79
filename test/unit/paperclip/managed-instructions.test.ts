import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import { afterEach, describe, expect, it } from "vitest";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import { RunFailureError } from "../../../src/domain/errors.js";
import { managedInstructionsRoot, readManagedInstructions } from "../../../src/paperclip/managed-instructions.js";
import { PromptBundles } from "../../../src/paperclip/prompt-bundle.js";
import type { RunServicesProvider } from "../../../src/paperclip/run-services.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const AGENT = { companyId: "company-1", agentId: "agent-1" };

function instance() {
  const home = mkdtempSync(join(tmpdir(), "claude-k8s-instructions-"));
  scratch.push(home);
  const instanceRoot = join(home, "instances", "default");
  const root = managedInstructionsRoot(instanceRoot, AGENT);
  mkdirSync(root, { recursive: true });
  const serverSecret = join(home, "server-secret.env");
  writeFileSync(serverSecret, "BETTER_AUTH_SECRET=hunter2\n");
  return { home, instanceRoot, root, serverSecret };
}

async function refusalFor(path: string, root: string, maxBytes?: number) {
  const read = await readManagedInstructions(path, root, maxBytes);
  expect(read.ok).toBe(false);
  if (read.ok) throw new Error("accepted");
  expect(read.failure.errorCode).toBe("invalid_config");
  expect(read.failure.errorMessage).toContain('"instructionsFilePath"');
  expect(JSON.stringify(read.failure)).not.toContain("hunter2");
  return read.failure.errorMessage;
}

describe("attack: instructionsFilePath points at the server's own files", () => {
  it("reads a regular file in the agent's managed instructions directory", async () => {
    const { root } = instance();
    writeFileSync(join(root, "AGENTS.md"), "Always write tests.\n");
    expect(await readManagedInstructions(join(root, "AGENTS.md"), root)).toEqual({
      ok: true,
      value: "Always write tests.\n",
    });
  });

  it("refuses /proc/self/environ (the server's environment)", async () => {
    const { root } = instance();
    expect(await refusalFor("/proc/self/environ", root)).toContain("must name a file in this agent's managed");
  });

  it("refuses a path outside the root, and one that climbs out with ..", async () => {
    const { root, serverSecret } = instance();
    await refusalFor(serverSecret, root);
    await refusalFor(join(root, "..", "..", "..", "..", "..", "..", "server-secret.env"), root);
  });

  it("refuses another agent's instructions in the same company", async () => {
    const { instanceRoot, root } = instance();
    const other = managedInstructionsRoot(instanceRoot, { ...AGENT, agentId: "agent-2" });
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "AGENTS.md"), "secret plan");
    await refusalFor(join(other, "AGENTS.md"), root);
  });

  it("refuses a symlink in the root, even to /proc/self/environ", async () => {
    const { root } = instance();
    symlinkSync("/proc/self/environ", join(root, "AGENTS.md"));
    expect(await refusalFor(join(root, "AGENTS.md"), root)).toContain("symbolic link");
  });

  it("refuses a file reached through a symlinked directory inside the root", async () => {
    const { home, root } = instance();
    mkdirSync(join(home, "elsewhere"));
    writeFileSync(join(home, "elsewhere", "AGENTS.md"), "BETTER_AUTH_SECRET=hunter2");
    symlinkSync(join(home, "elsewhere"), join(root, "linked"));
    expect(await refusalFor(join(root, "linked", "AGENTS.md"), root)).toContain("symbolic link");
  });

  it("refuses a hard link to a server file", async () => {
    const { root, serverSecret } = instance();
    linkSync(serverSecret, join(root, "AGENTS.md"));
    expect(await refusalFor(join(root, "AGENTS.md"), root)).toContain("single link");
  });

  it("refuses a FIFO without blocking on it", async () => {
    const { root } = instance();
    execFileSync("mkfifo", [join(root, "AGENTS.md")]);
    expect(await refusalFor(join(root, "AGENTS.md"), root)).toContain("not a regular file");
  });

  it("refuses a file over the size cap", async () => {
    const { root } = instance();
    writeFileSync(join(root, "AGENTS.md"), "x".repeat(2048));
    expect(await refusalFor(join(root, "AGENTS.md"), root, 1024)).toContain("2048 bytes, over the 1024-byte limit");
  });

  it("refuses everything when the server's instance root is unknown", async () => {
    const read = await readManagedInstructions("/anything/AGENTS.md", null);
    expect(read.ok).toBe(false);
  });
});

describe("the run refuses a hostile instructionsFilePath before anything is created", () => {
  it("execute() returns invalid_config for /proc/self/environ and writes nothing to the volume", async () => {
    const { instanceRoot, home } = instance();
    const data = join(home, "data");
    const bundles = new PromptBundles(join(home, "module"), async () => {}, instanceRoot);
    let ran = false;
    const services: RunServicesProvider = {
      for: () => ({
        orchestrator: {
          run: async () => {
            ran = true;
            throw new Error("must not run");
          },
        } as never,
        environment: {} as never,
        bundles,
      }),
    };
    const adapter = createServerAdapter({ services, hostEnv: {} });
    const result = await adapter.execute({
      runId: "run-1",
      agent: { id: AGENT.agentId, companyId: AGENT.companyId, name: "A", adapterType: "claude_k8s", adapterConfig: {} },
      runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
      config: { dataMountPath: data, instructionsFilePath: "/proc/self/environ" },
      context: {},
      onLog: async () => {},
    } as unknown as AdapterExecutionContext);

    expect(result.errorCode).toBe("invalid_config");
    expect(result.errorMessage).toContain("instructionsFilePath");
    expect(ran).toBe(false);
  });

  it("PromptBundles raises the refusal as a RunFailureError (the edge turns it into the result)", async () => {
    const { instanceRoot, home } = instance();
    const bundles = new PromptBundles(join(home, "module"), async () => {}, instanceRoot);
    const ctx = {
      config: {},
      agent: { id: AGENT.agentId, companyId: AGENT.companyId },
    } as unknown as AdapterExecutionContext;
    await expect(
      bundles.prepare(ctx, {
        ...defaultAdapterConfig(),
        dataMountPath: join(home, "data"),
        instructionsFilePath: "/etc/passwd",
      }),
    ).rejects.toBeInstanceOf(RunFailureError);
  });
});
