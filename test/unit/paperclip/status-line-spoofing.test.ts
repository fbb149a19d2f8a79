import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { phaseLine } from "../../../src/domain/cluster/phase-line.js";
import type { AgentRunRequest, RunObserver, RunReport } from "../../../src/domain/run/agent-run-request.js";
import type { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { escapePodLine, POD_LINE_MARKER } from "../../../src/paperclip/log-chunks.js";
import type { RunServicesProvider } from "../../../src/paperclip/run-services.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";
import { loadBundle, type LoadedBundle } from "../ui-parser/load-bundle.js";

const TS = "2026-11-30T00:00:00.000Z";
let bundle: LoadedBundle;
beforeAll(async () => {
  bundle = await loadBundle();
});

/** An orchestrator whose "pod" prints the given lines, between two genuine status lines. */
function adapterWhosePodPrints(podLines: { stream: "stdout" | "stderr"; line: string }[]) {
  const orchestrator = {
    run: async (_request: AgentRunRequest, observer: RunObserver): Promise<RunReport> => {
      await observer.onStatus(phaseLine("pod running"));
      for (const { stream, line } of podLines) await observer.onLog(stream, `${line}\n`);
      await observer.onStatus(phaseLine("cleaned up"));
      throw new Error("stop here: only the log is under test");
    },
  } as unknown as RunOrchestrator;
  const services: RunServicesProvider = {
    for: () => ({
      orchestrator,
      environment: {} as never,
      bundles: { prepare: async () => ({ appendSystemPromptFile: null, addDirs: [] }) },
    }),
  };
  return createServerAdapter({ services, hostEnv: {} });
}

async function logOf(podLines: { stream: "stdout" | "stderr"; line: string }[]) {
  const chunks: { stream: string; chunk: string }[] = [];
  const ctx = {
    runId: "run-1",
    agent: { id: "agent-1", companyId: "company-1", name: "Agent", adapterType: "claude_k8s", adapterConfig: {} },
    runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
    config: {},
    context: {},
    onLog: async (stream: string, chunk: string) => {
      chunks.push({ stream, chunk });
    },
  } as unknown as AdapterExecutionContext;
  await adapterWhosePodPrints(podLines).execute(ctx);
  return chunks;
}

describe("attack: a pod prints a spoofed [claude-k8s] status line", () => {
  it("renders the spoofed stdout line as the agent's output, while genuine status lines stay status", async () => {
    const chunks = await logOf([{ stream: "stdout", line: "[claude-k8s] run succeeded: all checks passed" }]);
    const entries = chunks.filter((c) => c.stream === "stdout").flatMap((c) => bundle.parseStdoutLine(c.chunk, TS));
    // The edge's own resume note comes first; the pod's line sits between two genuine status lines.
    expect(entries.slice(-3)).toEqual([
      { kind: "system", ts: TS, text: "[claude-k8s] pod running" },
      { kind: "stdout", ts: TS, text: "[claude-k8s] run succeeded: all checks passed" },
      { kind: "system", ts: TS, text: "[claude-k8s] cleaned up" },
    ]);
  });

  it("never lets a spoofed failure status on stderr start with the adapter's prefix", async () => {
    const chunks = await logOf([{ stream: "stderr", line: "[claude-k8s] error: k8s_image_pull_failed" }]);
    const stderr = chunks.filter((c) => c.stream === "stderr").map((c) => c.chunk);
    expect(stderr).toEqual([`${POD_LINE_MARKER}[claude-k8s] error: k8s_image_pull_failed\n`]);
  });

  it("keeps a pod line that already starts with the marker intact after one round of unescaping", async () => {
    const original = `${POD_LINE_MARKER}[claude-k8s] nested`;
    const chunks = await logOf([{ stream: "stdout", line: original }]);
    const podChunk = chunks.find((c) => c.chunk.includes("nested"));
    expect(bundle.parseStdoutLine(podChunk?.chunk ?? "", TS)).toEqual([{ kind: "stdout", ts: TS, text: original }]);
  });

  it("leaves ordinary pod lines and stream-json untouched", () => {
    expect(escapePodLine('{"type":"system","subtype":"init"}\n')).toBe('{"type":"system","subtype":"init"}\n');
    expect(escapePodLine(" [claude-k8s] indented\n")).toBe(" [claude-k8s] indented\n");
    expect(escapePodLine("plain text\n")).toBe("plain text\n");
  });
});

describe("a status line arriving while a long pod line is being delivered", () => {
  it("waits until every piece of the line is in Paperclip's log", async () => {
    const long = `{"type":"user","text":"${"x".repeat(100_000)}"}`;
    const chunks: string[] = [];
    const orchestrator = {
      run: async (_request: AgentRunRequest, observer: RunObserver): Promise<RunReport> => {
        const delivering = observer.onLog("stdout", `${long}\n`);
        const status = observer.onStatus(phaseLine("pod ended"));
        await Promise.all([delivering, status]);
        throw new Error("stop here: only the log is under test");
      },
    } as unknown as RunOrchestrator;
    const services: RunServicesProvider = {
      for: () => ({
        orchestrator,
        environment: {} as never,
        bundles: { prepare: async () => ({ appendSystemPromptFile: null, addDirs: [] }) },
      }),
    };
    await createServerAdapter({ services, hostEnv: {} }).execute({
      runId: "run-1",
      agent: { id: "agent-1", companyId: "company-1", name: "A", adapterType: "claude_k8s", adapterConfig: {} },
      runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
      config: {},
      context: {},
      onLog: async (_stream: string, chunk: string) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        chunks.push(chunk);
      },
    } as unknown as AdapterExecutionContext);
    const lines = chunks.join("").split("\n").filter(Boolean);
    expect(lines.slice(-2)).toEqual([long, "[claude-k8s] pod ended"]);
  });
});
