#!/usr/bin/env node
/**
 * STAND-IN for Claude Code — not Claude. It never calls a model or the network.
 *
 * A scripted `claude` for demos and tests: reads the prompt on stdin (or as the positional
 * argument), honours the flags the adapter passes, and writes a stream-json transcript in the real
 * CLI's shapes (stand-in-events.mjs: system/init, one assistant event per text/tool_use block, user
 * tool_result, claude's synthetic error messages, rate_limit_event, result with usage, modelUsage
 * and cost) with small delays between lines.
 *
 * Environment:
 *   CLAUDE_STAND_IN_SCENARIO   success (default) | exit-1 | no-result | auth-error | unknown-session |
 *                              max-turns | quota | transient | refusal | model-not-found | huge-line |
 *                              sigkill | slow | stderr-only | silent | shell
 *   CLAUDE_STAND_IN_DELAY_MS   fixed delay between lines (default: random 100-300 ms)
 *   CLAUDE_STAND_IN_EXIT_CODE  exit code of the failing scenarios (default 1)
 *   CLAUDE_STAND_IN_HUGE_MB    size of the huge tool_result line in MiB (default 2)
 *   CLAUDE_STAND_IN_DURATION_S length of the slow scenario in seconds (default 30)
 *   CLAUDE_STAND_IN_TICK_MS    interval between the slow scenario's lines (default 1000)
 *   CLAUDE_STAND_IN_SHELL      shell scenario: the POSIX sh script its Bash tool call really runs
 *                              (an agent with a shell); its output is the tool_result
 *   CLAUDE_STAND_IN_RECORD     file to append one JSON line per invocation: {argv, prompt, cwd, envKeys}
 *                              (env KEYS only — values can be secrets and are never recorded)
 *
 * Output goes through fs.writeSync so a regular-file stdout holds every line even when the
 * process exits (or is killed) right after writing.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import {
  apiErrorResult,
  earlyErrorResult,
  initEvent,
  modelTurn,
  rateLimitEvent,
  refusalRetryMessage,
  resultEvent,
  successResult,
  syntheticAssistant,
  systemEvent,
  toolResultEvent,
} from "./stand-in-events.mjs";

const SCENARIOS = new Set([
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
const DEFAULT_MODEL = "claude-sonnet-4-6";
/** Flags that take a value; anything else starting with "-" is a switch (unknown ones tolerated). */
const VALUE_FLAGS = new Set([
  "--output-format",
  "--input-format",
  "--resume",
  "-r",
  "--model",
  "--effort",
  "--max-turns",
  "--append-system-prompt-file",
  "--append-system-prompt",
  "--system-prompt",
  "--add-dir",
  "--permission-mode",
  "--mcp-config",
  "--allowedTools",
  "--disallowedTools",
  "--session-id",
  "--fallback-model",
  "--settings",
]);

// ---- arguments --------------------------------------------------------------------------------

function parseArguments(argv) {
  const options = { flags: new Map(), switches: new Set(), positional: [], addDirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-" || !arg.startsWith("-")) {
      options.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 0) {
      setFlag(options, arg.slice(0, eq), arg.slice(eq + 1));
    } else if (VALUE_FLAGS.has(arg) && i + 1 < argv.length) {
      setFlag(options, arg, argv[++i]);
    } else {
      options.switches.add(arg);
    }
  }
  return options;
}

function setFlag(options, name, value) {
  if (name === "--add-dir") options.addDirs.push(value);
  else options.flags.set(name === "-r" ? "--resume" : name, value);
}

// ---- output -----------------------------------------------------------------------------------

/** Writes every byte synchronously; retries EAGAIN (a non-blocking pipe that is full). */
function writeAll(fd, text) {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

const emit = (event) => writeAll(1, `${JSON.stringify(event)}\n`);
const warn = (text) => writeAll(2, `${text}\n`);

function delayMs() {
  const fixed = process.env.CLAUDE_STAND_IN_DELAY_MS;
  if (fixed !== undefined && fixed !== "") return Math.max(0, Number(fixed) || 0);
  return 100 + Math.floor(Math.random() * 200);
}

const pause = () => sleep(delayMs());

function intFromEnv(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

// ---- transcript pieces ------------------------------------------------------------------------

function makeRun(options, prompt) {
  const startedAt = Date.now();
  const resumed = options.flags.get("--resume");
  return {
    sessionId: resumed ?? options.flags.get("--session-id") ?? randomUUID(),
    resumed,
    model: options.flags.get("--model") ?? DEFAULT_MODEL,
    prompt,
    startedAt,
    turns: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

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

const emitAll = (events) => events.forEach(emit);
const firstLine = (text) => (text.split("\n").find((line) => line.trim() !== "") ?? "").slice(0, 120);

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

// ---- scenarios --------------------------------------------------------------------------------

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

/** claude's result after its turn limit: num_turns counts the turn it stopped in, errors names the limit. */
function maxTurnsResult(run, maxTurns) {
  run.turns += 1;
  return resultEvent(run, {
    subtype: "error_max_turns",
    is_error: true,
    result: undefined,
    api_error_status: undefined,
    stop_reason: "tool_use",
    terminal_reason: "max_turns",
    errors: [`Reached maximum number of turns (${maxTurns})`],
  });
}

/** An API error as claude reports it: a synthetic assistant message, then an error result. */
async function apiFailure(run, text, api) {
  emit(syntheticAssistant(run, text, api));
  await pause();
  emit(apiErrorResult(run, text, { api_error_status: api.api_error_status, api_error_type: api.api_error_type }));
}

/** A subscription account at its 5-hour limit: claude's rate_limit_event and its own words. */
async function quotaFailure(run) {
  const resetsAt = Math.floor(Date.now() / 1000) + 3600;
  const info = {
    status: "rejected",
    resetsAt,
    rateLimitType: "five_hour",
    overageStatus: "rejected",
    overageDisabledReason: "org_level_disabled",
    isUsingOverage: false,
    unifiedWindows: { five_hour: { utilization: 1, resetsAt, status: "rejected" } },
  };
  emit(rateLimitEvent(run, info));
  await pause();
  const clock = new Date(resetsAt * 1000).toISOString().slice(11, 16);
  const text = `You've hit your 5-hour limit · resets ${clock} (UTC)`;
  const api = { api_error_status: 429, api_error_type: "rate_limit_error" };
  const { unifiedWindows: _windows, ...params } = info;
  emit(
    syntheticAssistant(run, text, {
      error: "rate_limit",
      ...api,
      api_error: "usage_limit_reached",
      api_error_params: { rate_limit_info: params },
    }),
  );
  await pause();
  emit(apiErrorResult(run, text, { ...api, api_error: "usage_limit_reached" }));
}

/** The model refuses; claude notes it, asks once more as a synthetic user message, then gives up. */
async function refusal(run) {
  const [first] = modelTurn(run, [{ type: "text", text: "STAND-IN: I can't help with that." }]);
  emit(first);
  await pause();
  emit(
    systemEvent(run, "informational", {
      content: "STAND-IN: the model's safeguards stopped the response above · continuing once with that noted",
      level: "notice",
    }),
  );
  emit(refusalRetryMessage(run, first.message.id));
  await pause();
  const [second] = modelTurn(run, [{ type: "text", text: "STAND-IN: I can't help with that." }]);
  emit(second);
  emit(
    systemEvent(run, "model_refusal_no_fallback", {
      original_model: run.model,
      request_id: second.request_id,
      api_refusal_category: null,
      api_refusal_explanation: null,
      refused_user_message_uuid: randomUUID(),
      content: "",
    }),
  );
  const text =
    "API Error: STAND-IN: the model's safeguards flagged this message (https://www.anthropic.com/legal/aup). Try rephrasing the request in a new session or change your model.";
  emit(
    syntheticAssistant(run, text, {
      stopReason: "refusal",
      error: "invalid_request",
      refused_message_id: second.message.id,
    }),
  );
  await pause();
  emit(
    resultEvent(run, {
      is_error: true,
      result: text,
      stop_reason: "refusal",
      terminal_reason: "api_error",
      safety_stops: 2,
    }),
  );
}

async function runScenario(scenario, run, options) {
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

// ---- main -------------------------------------------------------------------------------------

function readStdin() {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

/** As claude: stdin is the prompt; a positional prompt (even "-") comes first, stdin after a newline. */
function readPrompt(options) {
  const positional = options.positional[0];
  const piped = readStdin();
  if (positional === undefined) return piped;
  return piped === "" ? positional : `${positional}\n${piped}`;
}

/** Flag combinations real claude refuses; refusing them too catches a wrong command line early. */
function usageError(options) {
  const format = options.flags.get("--output-format") ?? "text";
  const print = options.switches.has("--print") || options.switches.has("-p");
  if (!print) return "Error: STAND-IN only supports non-interactive use (--print)";
  if (format === "stream-json" && !options.switches.has("--verbose")) {
    return "Error: When using --print, --output-format=stream-json requires --verbose";
  }
  if (!["text", "json", "stream-json"].includes(format)) {
    return `Error: Invalid output format "${format}"`;
  }
  const file = options.flags.get("--append-system-prompt-file");
  if (file !== undefined) {
    try {
      readFileSync(file);
    } catch {
      return `Error: Append system prompt file not found: ${file}`;
    }
  }
  return undefined;
}

function record(argv, prompt) {
  const file = process.env.CLAUDE_STAND_IN_RECORD;
  if (!file) return;
  const line = { argv, prompt, cwd: process.cwd(), envKeys: Object.keys(process.env).sort() };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

async function main() {
  const argv = process.argv.slice(2);
  const options = parseArguments(argv);
  const prompt = readPrompt(options);
  record(argv, prompt);
  const problem = usageError(options);
  if (problem !== undefined) {
    warn(problem);
    return 1;
  }
  const scenario = process.env.CLAUDE_STAND_IN_SCENARIO || "success";
  if (!SCENARIOS.has(scenario)) {
    warn(`STAND-IN: unknown CLAUDE_STAND_IN_SCENARIO "${scenario}"; known: ${[...SCENARIOS].join(", ")}`);
    return 2;
  }
  const run = makeRun(options, prompt);
  const format = options.flags.get("--output-format") ?? "text";
  if (format !== "stream-json") return plainOutput(run, options, format);
  return runScenario(scenario, run, options);
}

/** --output-format text|json: only the final answer, as real claude prints it. */
async function plainOutput(run, options, format) {
  run.turns = 1;
  const text = `STAND-IN reply (not Claude) to "${firstLine(run.prompt)}"`;
  if (format === "json") emit(successResult(run, text));
  else writeAll(1, `${text}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    warn(`STAND-IN crashed: ${error?.stack ?? error}`);
    process.exit(70);
  },
);
