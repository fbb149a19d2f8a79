/**
 * `npm run demo`: a complete agent run on the embedded local runtime, through the real execute()
 * and the real Job manifest, run script, tailer and classifier — no cluster needed. Prints the live
 * transcript (the CLI formatter), a line per phase, then the result; a second run resumes the
 * session. Uses the scripted Claude stand-in unless `--real` is given: then the real Claude Code CLI
 * runs in the pods, against Anthropic with ANTHROPIC_API_KEY, else against the loopback API double.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { AdapterExecutionContext, AdapterExecutionResult } from "@paperclipai/adapter-utils";
import { AnthropicApiDouble, reply, type MessagesCall, type Reply } from "../api-double/index.js";
import { formatStreamLine } from "../cli/format-stream-line.js";
import { createServerAdapter } from "../paperclip/server-adapter.js";
import { realClaudeBinDirectory } from "../real-claude/real-claude-location.js";
import { claudeStandInBinDirectory } from "../stand-in/stand-in-location.js";
import { findOnPath } from "./find-on-path.js";

/** How the demo's pods get their claude, and what it talks to. */
interface DemoClaude {
  readonly hostEnv: NodeJS.ProcessEnv;
  readonly agentEnv: Record<string, string>;
  readonly model: AnthropicApiDouble | null;
}

async function main(): Promise<number> {
  const claude = process.argv.includes("--real") ? await realClaude() : standIn();
  if (claude === null) return 2;

  const dataDirectory = await mkdtemp(join(tmpdir(), "claude-k8s-demo-"));
  const adapter = createServerAdapter({ hostEnv: claude.hostEnv });
  try {
    const first = await runOnce(adapter.execute, dataDirectory, "demo-run-1", null, claude);
    if (first.errorCode || !first.sessionParams) return 1;
    console.log("\n--- second run: resuming the session ---\n");
    const second = await runOnce(adapter.execute, dataDirectory, "demo-run-2", first.sessionParams, claude);
    return second.errorCode ? 1 : 0;
  } finally {
    await adapter.dispose();
    await claude.model?.close();
    await rm(dataDirectory, { recursive: true, force: true });
  }
}

function standIn(): DemoClaude {
  console.log(
    "Using the scripted Claude STAND-IN (src/stand-in): a realistic transcript, not a real model. Pass --real to run the real Claude Code CLI.",
  );
  return {
    hostEnv: { ...process.env, ...LOCAL_RUNTIME_ENV, CLAUDE_K8S_LOCAL_PATH_PREPEND: claudeStandInBinDirectory() },
    agentEnv: {},
    model: null,
  };
}

/**
 * The real CLI: the pinned devDependency's binary (else `claude` on PATH), against Anthropic when
 * ANTHROPIC_API_KEY is set, else against the loopback API double with scripted answers.
 */
async function realClaude(): Promise<DemoClaude | null> {
  const onPath = await findOnPath("claude");
  const binDirectory = realClaudeBinDirectory() ?? (onPath ? dirname(onPath) : null);
  if (binDirectory === null) {
    console.error("--real needs Claude Code: run `npm install` (it is a devDependency) or put `claude` on PATH.");
    return null;
  }
  const hostEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...LOCAL_RUNTIME_ENV,
    CLAUDE_K8S_LOCAL_PATH_PREPEND: binDirectory,
  };
  // As root claude refuses --dangerously-skip-permissions unless told it is sandboxed; a pod is.
  const agentEnv: Record<string, string> = process.getuid?.() === 0 ? { IS_SANDBOX: "1" } : {};
  if (process.env.ANTHROPIC_API_KEY) {
    console.log(`Using the real Claude Code in ${binDirectory} against Anthropic's API (ANTHROPIC_API_KEY is set).`);
    return { hostEnv, agentEnv, model: null };
  }
  const model = await AnthropicApiDouble.start({ responder: demoModel });
  console.log(
    `Using the real Claude Code in ${binDirectory}. No ANTHROPIC_API_KEY is set, so it talks to a LOOPBACK ` +
      `ANTHROPIC API DOUBLE at ${model.url}: scripted answers, not a model. Set ANTHROPIC_API_KEY to use Anthropic.`,
  );
  hostEnv.ANTHROPIC_BASE_URL = model.url;
  hostEnv.ANTHROPIC_API_KEY = "sk-ant-demo-double-only";
  return { hostEnv, agentEnv, model };
}

/** The double's script: a fresh session runs one Bash command, a resumed one says what it remembers. */
function demoModel(call: MessagesCall): Reply {
  const earlier = (call.body.messages ?? []).filter((message) => message.role === "assistant").length - call.turn;
  if (earlier > 0) {
    return reply.text(
      `Resumed the session: ${earlier} earlier answer(s) came back from the agent's home. (API double)`,
    );
  }
  if (call.turn === 0) return reply.bash('echo "claude ran this in the pod as uid $(id -u), in $(pwd)"');
  return reply.text("The command ran in the Job's pod; the real CLI sent its output back. (API double, not a model)");
}

/** The local runtime is off unless the server enables it. */
const LOCAL_RUNTIME_ENV = { CLAUDE_K8S_ENABLE_LOCAL_RUNTIME: "1" };

async function runOnce(
  execute: (ctx: AdapterExecutionContext) => Promise<AdapterExecutionResult>,
  dataDirectory: string,
  runId: string,
  sessionParams: Record<string, unknown> | null,
  claude: DemoClaude,
): Promise<AdapterExecutionResult> {
  const callsBefore = claude.model?.messageCalls().length ?? 0;
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
      env: {
        DISABLE_AUTOUPDATER: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        ...claude.agentEnv,
      },
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
  if (claude.model) {
    const prompts = claude.model.prompts().slice(callsBefore);
    console.log(`        the API double answered ${prompts.length} model call(s); the prompt it received:`);
    console.log(`        ${JSON.stringify(prompts[0]?.join("") ?? "")}`);
  }
  return result;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
