#!/usr/bin/env node
/**
 * STAND-IN for Claude Code — not Claude. It never calls a model or the network.
 *
 * A scripted `claude` for demos and tests: reads the prompt on stdin (or as the positional
 * argument), honours the flags the adapter passes, and writes a realistic stream-json transcript
 * (system/init, assistant thinking/text/tool_use, user tool_result, result with usage, modelUsage
 * and cost) with small delays between lines.
 *
 * Environment:
 *   CLAUDE_STAND_IN_SCENARIO   success (default) | exit-1 | no-result | auth-error | unknown-session |
 *                              max-turns | quota | transient | refusal | model-not-found | huge-line |
 *                              sigkill | slow | stderr-only | silent
 *   CLAUDE_STAND_IN_DELAY_MS   fixed delay between lines (default: random 100-300 ms)
 *   CLAUDE_STAND_IN_EXIT_CODE  exit code of the failing scenarios (default 1)
 *   CLAUDE_STAND_IN_HUGE_MB    size of the huge tool_result line in MiB (default 2)
 *   CLAUDE_STAND_IN_DURATION_S length of the slow scenario in seconds (default 30)
 *   CLAUDE_STAND_IN_TICK_MS    interval between the slow scenario's lines (default 1000)
 *   CLAUDE_STAND_IN_RECORD     file to append one JSON line per invocation: {argv, prompt, cwd, envKeys}
 *                              (env KEYS only — values can be secrets and are never recorded)
 *
 * Output goes through fs.writeSync so a regular-file stdout holds every line even when the
 * process exits (or is killed) right after writing.
 */
import { appendFileSync, readFileSync, writeSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

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
]);
const DEFAULT_MODEL = "claude-sonnet-4-6";
const TOOLS = ["Task", "Bash", "Glob", "Grep", "Read", "Edit", "Write", "WebFetch", "TodoWrite"];
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
    sessionId: resumed ?? randomUUID(),
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

function initEvent(run, options) {
  return {
    type: "system",
    subtype: "init",
    cwd: process.cwd(),
    session_id: run.sessionId,
    tools: TOOLS,
    mcp_servers: [],
    model: run.model,
    permissionMode: permissionModeOf(options),
    apiKeySource: process.env.ANTHROPIC_API_KEY ? "ANTHROPIC_API_KEY" : "none",
    claude_code_version: "0.0.0-stand-in",
    uuid: randomUUID(),
  };
}

function assistantEvent(run, content, stopReason = null) {
  run.turns += 1;
  run.inputTokens += 120;
  run.outputTokens += 40;
  return {
    type: "assistant",
    message: {
      id: `msg_standin_${randomUUID().replaceAll("-", "").slice(0, 20)}`,
      type: "message",
      role: "assistant",
      model: run.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage: { input_tokens: 120, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
    parent_tool_use_id: null,
    session_id: run.sessionId,
    uuid: randomUUID(),
  };
}

function toolResultEvent(run, toolUseId, content, isError = false) {
  return {
    type: "user",
    message: { role: "user", content: [{ type: "tool_result", tool_use_id: toolUseId, content, is_error: isError }] },
    parent_tool_use_id: null,
    session_id: run.sessionId,
    uuid: randomUUID(),
  };
}

function resultEvent(run, fields) {
  const cacheRead = 2048;
  const costUsd = Number(((run.inputTokens * 3 + run.outputTokens * 15 + cacheRead * 0.3) / 1_000_000).toFixed(6));
  return {
    type: "result",
    subtype: "success",
    is_error: false,
    duration_ms: Date.now() - run.startedAt,
    duration_api_ms: Math.max(1, Math.floor((Date.now() - run.startedAt) * 0.8)),
    num_turns: run.turns,
    result: "",
    stop_reason: "end_turn",
    session_id: run.sessionId,
    total_cost_usd: costUsd,
    usage: {
      input_tokens: run.inputTokens,
      output_tokens: run.outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: cacheRead,
      service_tier: "standard",
    },
    modelUsage: {
      [run.model]: {
        inputTokens: run.inputTokens,
        outputTokens: run.outputTokens,
        cacheReadInputTokens: cacheRead,
        cacheCreationInputTokens: 0,
        webSearchRequests: 0,
        costUSD: costUsd,
      },
    },
    permission_denials: [],
    uuid: randomUUID(),
    ...fields,
  };
}

function apiErrorResult(run, status, text) {
  return resultEvent(run, {
    subtype: "success",
    is_error: true,
    result: text,
    stop_reason: "stop_sequence",
    terminal_reason: "api_error",
    api_error_status: status,
  });
}

const firstLine = (text) => (text.split("\n").find((line) => line.trim() !== "") ?? "").slice(0, 120);

/** One turn that uses a tool: thinking + tool_use, then its tool_result. */
async function toolTurn(run, toolResultContent) {
  const toolUseId = `toolu_standin_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  emit(
    assistantEvent(run, [
      { type: "thinking", thinking: "Let me look at the working directory first.", signature: "stand-in" },
      { type: "tool_use", id: toolUseId, name: "Bash", input: { command: "ls -la", description: "List files" } },
    ]),
  );
  await pause();
  emit(toolResultEvent(run, toolUseId, toolResultContent));
  await pause();
}

function hugeToolResult() {
  const targetBytes = Math.max(1, intFromEnv("CLAUDE_STAND_IN_HUGE_MB", 2)) * 1024 * 1024;
  // Multi-byte characters on purpose: readers must not split them across chunk boundaries.
  const row = "drwxr-xr-x 2 agent agent 4096 café ✓ 🚀 stand-in-output\n";
  return row.repeat(Math.ceil(targetBytes / Buffer.byteLength(row)));
}

// ---- scenarios --------------------------------------------------------------------------------

async function conversation(run, options, { toolResult = "README.md\npackage.json\nsrc\n" } = {}) {
  emit(initEvent(run, options));
  await pause();
  const maxTurns = Number(options.flags.get("--max-turns") ?? "0");
  await toolTurn(run, toolResult);
  if (maxTurns > 0 && run.turns >= maxTurns) return "max-turns";
  const summary = `STAND-IN reply (not Claude): received a ${Buffer.byteLength(run.prompt)}-byte prompt starting "${firstLine(run.prompt)}".`;
  emit(assistantEvent(run, [{ type: "text", text: summary }], "end_turn"));
  await pause();
  return summary;
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
      const message = `No conversation found with session id: ${run.resumed}`;
      warn(message);
      emit(resultEvent(run, { subtype: "error_during_execution", is_error: true, result: message, errors: [message] }));
      return failCode;
    }
    case "auth-error": {
      emit(initEvent(run, options));
      await pause();
      const text = "Invalid API key · Please run /login";
      emit({ ...assistantEvent(run, [{ type: "text", text }], "stop_sequence"), error: "authentication_failed" });
      await pause();
      emit(apiErrorResult(run, 401, text));
      return failCode;
    }
    case "model-not-found": {
      emit(initEvent(run, options));
      await pause();
      const text = `API Error: 404 {"type":"error","error":{"type":"not_found_error","message":"model: ${run.model}"}}`;
      emit(apiErrorResult(run, 404, text));
      return failCode;
    }
    case "quota": {
      emit(initEvent(run, options));
      await pause();
      const text =
        'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}';
      emit(apiErrorResult(run, 429, text));
      return failCode;
    }
    case "transient": {
      emit(initEvent(run, options));
      for (let attempt = 1; attempt <= 3; attempt++) {
        await pause();
        emit({
          type: "system",
          subtype: "api_retry",
          attempt,
          max_retries: 3,
          retry_delay_ms: 500 * attempt,
          error_status: 529,
          session_id: run.sessionId,
        });
      }
      await pause();
      const text = 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}';
      emit(apiErrorResult(run, 529, text));
      return failCode;
    }
    case "refusal": {
      emit(initEvent(run, options));
      await pause();
      const text =
        "API Error: Claude Code is unable to respond to this request, which appears to violate our Usage Policy (https://www.anthropic.com/legal/aup). Please double press esc to edit your last message or start a new session for Claude Code to assist with a different task.";
      emit(assistantEvent(run, [{ type: "text", text }], "refusal"));
      await pause();
      emit(resultEvent(run, { is_error: true, result: text, stop_reason: "refusal" }));
      return failCode;
    }
    case "max-turns": {
      emit(initEvent(run, options));
      await pause();
      await toolTurn(run, "README.md\n");
      emit(resultEvent(run, { subtype: "error_max_turns", is_error: true, result: undefined, stop_reason: null }));
      return failCode;
    }
    case "no-result":
      await conversation(run, options);
      return 0;
    case "sigkill":
      emit(initEvent(run, options));
      await pause();
      emit(assistantEvent(run, [{ type: "text", text: "Working on it…" }]));
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
      emit(initEvent(run, options));
      const ticks = Math.max(1, intFromEnv("CLAUDE_STAND_IN_DURATION_S", 30));
      const tickMs = intFromEnv("CLAUDE_STAND_IN_TICK_MS", 1000);
      for (let tick = 1; tick <= ticks; tick++) {
        await sleep(tickMs);
        emit(assistantEvent(run, [{ type: "text", text: `Still working (${tick}/${ticks})…` }]));
      }
      emit(resultEvent(run, { result: `STAND-IN slow run finished after ${ticks} steps.` }));
      return 0;
    }
    default:
      break;
  }
  const outcome = await conversation(run, options, scenario === "huge-line" ? { toolResult: hugeToolResult() } : {});
  if (outcome === "max-turns") {
    emit(resultEvent(run, { subtype: "error_max_turns", is_error: true, result: undefined, stop_reason: null }));
    return failCode;
  }
  emit(resultEvent(run, { result: outcome }));
  return 0;
}

// ---- main -------------------------------------------------------------------------------------

function readPrompt(options) {
  const positional = options.positional[0];
  if (positional !== undefined && positional !== "-") return positional;
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
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
  if (format === "json") emit(resultEvent(run, { result: text }));
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
