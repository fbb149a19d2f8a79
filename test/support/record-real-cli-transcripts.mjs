#!/usr/bin/env node
/**
 * Records test/fixtures/transcripts/real-cli/*.ndjson: the real claude CLI's stream-json stdout for
 * each scripted answer of the Anthropic API double, normalised (ids, temporary paths, port) so the
 * files can be committed. Re-run when the pinned CLI changes:
 *
 *   npm run build && node test/support/record-real-cli-transcripts.mjs [claude binary]
 *
 * The binary defaults to the pinned @anthropic-ai/claude-code-linux-x64 in node_modules.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AnthropicApiDouble, apiErrors, byTurn, reply, unifiedRejectedHeaders } from "../../dist/api-double/index.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const OUT = join(ROOT, "test", "fixtures", "transcripts", "real-cli");
const CLAUDE = process.argv[2] ?? join(ROOT, "node_modules", "@anthropic-ai", "claude-code-linux-x64", "claude");
const HOUR_MS = 3_600_000;
const API_KEY = { ANTHROPIC_API_KEY: "sk-ant-recording-key" };
const OAUTH = { CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-recording-token" };

const inHours = (hours) => new Date(Date.now() + hours * HOUR_MS);

/** A subscription account's weekly limit: the unified headers with the seven-day claim. */
function weeklyLimitHeaders(resetAt) {
  const reset = String(Math.floor(resetAt.getTime() / 1000));
  return {
    ...unifiedRejectedHeaders(resetAt),
    "anthropic-ratelimit-unified-representative-claim": "seven_day",
    "anthropic-ratelimit-unified-7d-status": "rejected",
    "anthropic-ratelimit-unified-7d-reset": reset,
  };
}

function warningHeaders(resetAt) {
  const reset = String(Math.floor(resetAt.getTime() / 1000));
  return {
    "anthropic-ratelimit-unified-status": "allowed_warning",
    "anthropic-ratelimit-unified-reset": reset,
    "anthropic-ratelimit-unified-representative-claim": "five_hour",
    "anthropic-ratelimit-unified-5h-status": "allowed_warning",
    "anthropic-ratelimit-unified-5h-reset": reset,
    "anthropic-ratelimit-unified-5h-utilization": "0.93",
  };
}

/** name → the double's script, the credentials, and extra claude arguments. */
const SCENARIOS = {
  "success-text": { responder: byTurn(reply.text("Hello from the double.")) },
  "success-bash": {
    responder: byTurn(reply.bash("echo hi", "Running it."), reply.text("Done: it printed hi.")),
  },
  "auth-401-api-key": { responder: byTurn(apiErrors.invalidApiKey()) },
  "auth-401-oauth": { responder: byTurn(apiErrors.invalidApiKey()), auth: OAUTH },
  "auth-403-forbidden": { responder: byTurn(apiErrors.forbidden()) },
  "model-404": { responder: byTurn(apiErrors.modelNotFound("claude-opus-4-8")) },
  "quota-429-api-key": { responder: byTurn(apiErrors.rateLimited(inHours(0.01), 1)) },
  "quota-session-limit-oauth": { responder: byTurn(apiErrors.subscriptionLimitReached(inHours(3))), auth: OAUTH },
  "quota-weekly-limit-oauth": {
    responder: byTurn(reply.error(429, "rate_limit_error", "Rate limited", weeklyLimitHeaders(inHours(75)))),
    auth: OAUTH,
  },
  "rate-limit-warning-oauth": {
    responder: byTurn(reply.text("Hello with warning.", { headers: warningHeaders(inHours(3)) })),
    auth: OAUTH,
  },
  "transient-529": { responder: byTurn(apiErrors.overloaded()) },
  "transient-500": { responder: byTurn(apiErrors.internal()) },
  refusal: { responder: byTurn(reply.refusal("I can't help with that.")) },
  "max-turns-1": { responder: byTurn(reply.bash("echo hi", "Running it.")), args: ["--max-turns", "1"] },
  "session-unavailable": {
    responder: byTurn(reply.text("unused")),
    args: ["--resume", "7d1f0c2e-5b8a-4c3d-9e6f-0a1b2c3d4e5f"],
  },
};

function normalise(text, paths) {
  const ids = new Map();
  let out = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (!ids.has(id)) ids.set(id, `00000000-0000-4000-8000-${String(ids.size + 1).padStart(12, "0")}`);
    return ids.get(id);
  });
  const dashed = (path) => path.replace(/[^A-Za-z0-9]/g, "-");
  out = out.replaceAll(paths.work, "/workspace").replaceAll(dashed(paths.work), "-workspace");
  out = out.replaceAll(paths.home, "/home/claude");
  out = out.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:8787").replace(/cc-socks\/\d+\.sock/g, "cc-socks/4242.sock");
  const leak = /sk-ant-\S{0,20}|\/tmp\/rec-\S{0,60}/.exec(out);
  if (leak) throw new Error(`a credential or temporary path survived: ${leak[0]}`);
  return out;
}

async function record(name, scenario) {
  const double = await AnthropicApiDouble.start({ responder: scenario.responder });
  const home = mkdtempSync(join(tmpdir(), "rec-home-"));
  const work = mkdtempSync(join(tmpdir(), "rec-work-"));
  try {
    const args = ["--print", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions"];
    const child = await runClaude([...args, ...(scenario.args ?? [])], {
      cwd: work,
      input: "Say hi using Bash.\n",
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        ANTHROPIC_BASE_URL: double.url,
        DISABLE_AUTOUPDATER: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        CLAUDE_CODE_MAX_RETRIES: "1",
        IS_SANDBOX: "1",
        ...(scenario.auth ?? API_KEY),
      },
    });
    writeFileSync(join(OUT, `${name}.ndjson`), normalise(child.stdout, { home, work }));
    console.log(`${name}: exit ${child.code}, ${child.stdout.split("\n").filter(Boolean).length} events`);
  } finally {
    await double.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs claude with the prompt on stdin; asynchronous, since the double answers on this event loop. */
function runClaude(args, { cwd, input, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(CLAUDE, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => (stdout += chunk));
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
    child.stdin.end(input);
  });
}

const version = spawnSync(CLAUDE, ["--version"], { encoding: "utf8" }).stdout.trim();
console.log(`recording with claude ${version}`);
for (const [name, scenario] of Object.entries(SCENARIOS)) await record(name, scenario);
