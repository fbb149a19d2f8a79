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
import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { parseArguments, readPrompt, usageError } from "./stand-in-arguments.mjs";
import { successResult } from "./stand-in-events.mjs";
import { emit, firstLine, warn, writeAll } from "./stand-in-io.mjs";
import { runScenario, SCENARIOS } from "./stand-in-scenarios.mjs";

const DEFAULT_MODEL = "claude-sonnet-4-6";

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
