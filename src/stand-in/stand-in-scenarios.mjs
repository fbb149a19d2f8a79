/**
 * What the stand-in does for each CLAUDE_STAND_IN_SCENARIO: a conversation with one tool turn, then a
 * success, or one of the ways a run of claude goes wrong (early, mid-way, killed, silent).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  earlyErrorResult,
  initEvent,
  modelTurn,
  resultEvent,
  successResult,
  systemEvent,
  toolResultEvent,
} from "./stand-in-events.mjs";
import { apiFailure, maxTurnsResult, quotaFailure, refusal } from "./stand-in-failures.mjs";
import { emit, emitAll, firstLine, intFromEnv, pause, warn } from "./stand-in-io.mjs";

export const SCENARIOS = new Set([
  "success",
  "exit-1",
  "no-result",
  "auth-error",
  "unknown-session",
  "max-turns",
  "quota",
  "transient",
  "refusal",
  "model-not-found",
  "huge-line",
  "sigkill",
  "slow",
  "stderr-only",
  "silent",
  "shell",
]);

function permissionModeOf(options) {
  if (options.switches.has("--dangerously-skip-permissions")) return "bypassPermissions";
  return options.flags.get("--permission-mode") ?? "default";
}

function init(run, options) {
  return initEvent(run, {
    cwd: process.cwd(),
    permissionMode: permissionModeOf(options),
    apiKeySource: process.env.ANTHROPIC_API_KEY ? "ANTHROPIC_API_KEY" : "none",
  });
}

/** One turn that uses a tool: a text and a tool_use block (one event each, as claude writes them), then its tool_result. */
async function toolTurn(run, toolResultContent, command = "ls -la") {
  const toolUseId = `toolu_standin_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  emitAll(
    modelTurn(run, [
      { type: "text", text: "Let me look at the working directory first." },
      { type: "tool_use", id: toolUseId, name: "Bash", input: { command, description: "Run a command" } },
    ]),
  );
  await pause();
  emit(
    toolResultEvent(run, toolUseId, typeof toolResultContent === "function" ? toolResultContent() : toolResultContent),
  );
  await pause();
}

function hugeToolResult() {
  const targetBytes = Math.max(1, intFromEnv("CLAUDE_STAND_IN_HUGE_MB", 2)) * 1024 * 1024;
  // Multi-byte characters on purpose: readers must not split them across chunk boundaries.
  const row = "drwxr-xr-x 2 agent agent 4096 café ✓ 🚀 stand-in-output\n";
  return row.repeat(Math.ceil(targetBytes / Buffer.byteLength(row)));
}

/** The shell scenario's Bash call, run for real as claude's Bash tool would: sh -c, output captured. */
function shellToolResult(command) {
  const done = spawnSync("sh", ["-c", command], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const output = `${done.stdout ?? ""}${done.stderr ?? ""}`;
  return done.status === 0 ? output : `${output}\nExit code ${done.status ?? done.signal}`;
}

function toolOf(scenario) {
  if (scenario === "huge-line") return { toolResult: hugeToolResult() };
  if (scenario !== "shell") return {};
  const command = process.env.CLAUDE_STAND_IN_SHELL ?? "true";
  return { command, toolResult: () => shellToolResult(command) };
}

async function conversation(run, options, { toolResult = "README.md\npackage.json\nsrc\n", command } = {}) {
  emit(init(run, options));
  await pause();
  const maxTurns = Number(options.flags.get("--max-turns") ?? "0");
  await toolTurn(run, toolResult, command);
  if (maxTurns > 0 && run.turns >= maxTurns) return { maxTurns };
  const summary = `STAND-IN reply (not Claude): received a ${Buffer.byteLength(run.prompt)}-byte prompt starting "${firstLine(run.prompt)}".`;
  emitAll(modelTurn(run, [{ type: "text", text: summary }]));
  await pause();
  return { summary };
}
export async function runScenario(scenario, run, options) {
  const failCode = intFromEnv("CLAUDE_STAND_IN_EXIT_CODE", 1);
  switch (scenario) {
    case "silent":
      return 0;
    case "stderr-only":
      warn("Error: STAND-IN simulated failure before any output (stderr only)");
      return failCode;
    case "unknown-session": {
      if (run.resumed === undefined) break;
      const message = `No conversation found with session ID: ${run.resumed}`;
      warn(message);
      emit(earlyErrorResult(run, message));
      return failCode;
    }
    case "auth-error":
      emit(init(run, options));
      await pause();
      await apiFailure(run, "Invalid API key · Fix external API key", {
        error: "authentication_failed",
        api_error_status: 401,
        api_error_type: "authentication_error",
      });
      return failCode;
    case "model-not-found":
      emit(init(run, options));
      await pause();
      await apiFailure(
        run,
        `There's an issue with the selected model (${run.model}). It may not exist or you may not have access to it. Run --model to pick a different model.`,
        { error: "model_not_found", api_error_status: 404, api_error_type: "not_found_error" },
      );
      return failCode;
    case "quota":
      emit(init(run, options));
      await pause();
      await quotaFailure(run);
      return failCode;
    case "transient": {
      emit(init(run, options));
      for (let attempt = 1; attempt <= 3; attempt++) {
        await pause();
        emit(
          systemEvent(run, "api_retry", {
            attempt,
            max_retries: 3,
            retry_delay_ms: 500 * attempt,
            error_status: 529,
            error: "overloaded",
          }),
        );
      }
      await pause();
      await apiFailure(
        run,
        "API Error: 529 Overloaded. This is a server-side issue, usually temporary — try again in a moment.",
        {
          error: "server_error",
          api_error_status: 529,
          api_error_type: "overloaded_error",
        },
      );
      return failCode;
    }
    case "refusal":
      emit(init(run, options));
      await pause();
      await refusal(run);
      return failCode;
    case "max-turns":
      emit(init(run, options));
      await pause();
      await toolTurn(run, "README.md\n");
      emit(maxTurnsResult(run, Number(options.flags.get("--max-turns") ?? "1")));
      return failCode;
    case "no-result":
      await conversation(run, options);
      return 0;
    case "sigkill":
      emit(init(run, options));
      await pause();
      emitAll(modelTurn(run, [{ type: "text", text: "Working on it…" }]));
      process.kill(process.pid, "SIGKILL");
      await sleep(60_000);
      return 137;
    case "exit-1": {
      await conversation(run, options);
      warn("Error: STAND-IN simulated crash during execution");
      emit(resultEvent(run, { subtype: "error_during_execution", is_error: true, result: undefined }));
      return failCode;
    }
    case "slow": {
      emit(init(run, options));
      const ticks = Math.max(1, intFromEnv("CLAUDE_STAND_IN_DURATION_S", 30));
      const tickMs = intFromEnv("CLAUDE_STAND_IN_TICK_MS", 1000);
      for (let tick = 1; tick <= ticks; tick++) {
        await sleep(tickMs);
        emitAll(modelTurn(run, [{ type: "text", text: `Still working (${tick}/${ticks})…` }]));
      }
      emit(successResult(run, `STAND-IN slow run finished after ${ticks} steps.`));
      return 0;
    }
    default:
      break;
  }
  const outcome = await conversation(run, options, toolOf(scenario));
  if (outcome.maxTurns !== undefined) {
    emit(maxTurnsResult(run, outcome.maxTurns));
    return failCode;
  }
  emit(successResult(run, outcome.summary));
  return 0;
}
