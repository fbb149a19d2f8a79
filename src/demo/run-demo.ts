/**
 * `npm run demo`: a complete agent run on the embedded local runtime, through the real execute()
 * and the real Job manifest, run script, tailer and classifier — no cluster needed. Prints the live
 * transcript (the CLI formatter), a line per phase, then the result; a second run resumes the
 * session. Uses the scripted Claude stand-in unless `--real` is given and `claude` is on PATH.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdapterExecutionContext, AdapterExecutionResult } from "@paperclipai/adapter-utils";
import { formatStreamLine } from "../cli/format-stream-line.js";
import { createServerAdapter } from "../paperclip/server-adapter.js";
import { claudeStandInBinDirectory } from "../stand-in/stand-in-location.js";
import { findOnPath } from "./find-on-path.js";

async function main(): Promise<number> {
  const wantsReal = process.argv.includes("--real");
  const realClaude = wantsReal ? await findOnPath("claude") : null;
  if (wantsReal && !realClaude) {
    console.error("--real was given but no `claude` is on PATH; install Claude Code or drop --real.");
    return 2;
  }
  console.log(
    realClaude
      ? `Using the real Claude Code at ${realClaude}.`
      : "Using the scripted Claude STAND-IN (src/stand-in): a realistic transcript, not a real model. Pass --real to use `claude` from PATH.",
  );

  const dataDirectory = await mkdtemp(join(tmpdir(), "claude-k8s-demo-"));
  const adapter = createServerAdapter({
    hostEnv: { ...process.env, CLAUDE_K8S_LOCAL_PATH_PREPEND: realClaude ? "" : claudeStandInBinDirectory() },
  });
  try {
    const first = await runOnce(adapter.execute, dataDirectory, "demo-run-1", null);
    if (first.errorCode || !first.sessionParams) return 1;
    console.log("\n--- second run: resuming the session ---\n");
    const second = await runOnce(adapter.execute, dataDirectory, "demo-run-2", first.sessionParams);
    return second.errorCode ? 1 : 0;
  } finally {
    await rm(dataDirectory, { recursive: true, force: true });
  }
}

async function runOnce(
  execute: (ctx: AdapterExecutionContext) => Promise<AdapterExecutionResult>,
  dataDirectory: string,
  runId: string,
  sessionParams: Record<string, unknown> | null,
): Promise<AdapterExecutionResult> {
  const started = Date.now();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const result = await execute({
    runId,
    agent: {
      id: "demo-agent",
      companyId: "demo-company",
      name: "Demo Agent",
      adapterType: "claude_k8s",
      adapterConfig: {},
    },
    runtime: {
      sessionId: (sessionParams?.sessionId as string | undefined) ?? null,
      sessionParams,
      sessionDisplayId: null,
      taskKey: null,
    },
    config: {
      runtime: "local",
      dataMountPath: dataDirectory,
      paperclipApiUrl: "http://127.0.0.1:3100",
      promptTemplate: "You are {{agent.name}}. Summarise the repository's README in three bullet points.",
    },
    context: { taskId: "demo-task" },
    onLog: async (stream, chunk) => {
      for (const line of chunk.split("\n")) {
        if (!line) continue;
        const text = stream === "stderr" ? `stderr: ${line}` : formatStreamLine(line, { color: process.stdout.isTTY });
        if (text !== null) console.log(`${stamp()} ${text}`);
      }
    },
    authToken: "demo-run-token",
  } as AdapterExecutionContext);
  console.log(
    `\n${stamp()} result: ${result.errorCode ? `FAILED ${result.errorCode}: ${result.errorMessage}` : "succeeded"}`,
  );
  console.log(
    `        exit ${result.exitCode}; tokens in ${result.usage?.inputTokens ?? 0} / out ${result.usage?.outputTokens ?? 0}` +
      ` (cached ${result.usage?.cachedInputTokens ?? 0}); cost $${(result.costUsd ?? 0).toFixed(4)}; session ${result.sessionId ?? "none"}`,
  );
  return result;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
