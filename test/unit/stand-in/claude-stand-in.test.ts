import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";

const CLAUDE = `${claudeStandInBinDirectory()}/claude`;
const STREAM_ARGS = ["--print", "--output-format", "stream-json", "--verbose"];
const scratch = mkdtempSync(`${tmpdir()}/claude-stand-in-test-`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Event {
  type: string;
  subtype?: string;
  is_error?: boolean;
  session_id?: string;
  result?: string;
  model?: string;
  message?: { content: Array<{ type: string; text?: string; content?: string }>; stop_reason?: string | null };
  [key: string]: unknown;
}

function runStandIn(args: string[], env: Record<string, string> = {}, prompt = "Write a haiku\nabout pods") {
  const child = spawnSync(CLAUDE, args, {
    input: prompt,
    cwd: scratch,
    env: { PATH: process.env.PATH ?? "", CLAUDE_STAND_IN_DELAY_MS: "0", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = child.stdout.toString("utf8");
  const events = stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Event);
  return { code: child.status, signal: child.signal, stdout, stderr: child.stderr.toString("utf8"), events };
}

describe("Claude stand-in (scripted, not Claude)", () => {
  it("writes a complete stream-json transcript: init, text and tool_use (one event per block, as claude), tool_result, text, result with usage and cost", () => {
    const { code, events, stderr } = runStandIn(STREAM_ARGS);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(events.map((e) => e.type)).toEqual(["system", "assistant", "assistant", "user", "assistant", "result"]);
    const [init, preamble, toolUse, toolResult, text, result] = events;
    expect(init).toMatchObject({
      subtype: "init",
      cwd: scratch,
      model: "claude-sonnet-4-6",
      permissionMode: "default",
    });
    expect(init?.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(preamble?.message?.content.map((b) => b.type)).toEqual(["text"]);
    expect(toolUse?.message?.content.map((b) => b.type)).toEqual(["tool_use"]);
    expect(toolResult?.message?.content[0]?.type).toBe("tool_result");
    expect(text?.message?.content[0]?.text).toContain('"Write a haiku"');
    expect(result).toMatchObject({ subtype: "success", is_error: false, num_turns: 2, session_id: init?.session_id });
    expect(result?.usage).toMatchObject({ input_tokens: 240, output_tokens: 80 });
    expect(result?.modelUsage).toHaveProperty(["claude-sonnet-4-6", "outputTokens"], 80);
    expect(result?.total_cost_usd).toBeGreaterThan(0);
    expect(typeof result?.duration_ms).toBe("number");
  });

  it("honours --resume, --model and --dangerously-skip-permissions in the session, model and permission mode it reports", () => {
    const { events } = runStandIn([
      ...STREAM_ARGS,
      "--resume",
      "sess-prev-123",
      "--model",
      "claude-opus-4-1",
      "--dangerously-skip-permissions",
      "--effort",
      "high",
      "--some-future-flag",
    ]);
    expect(events[0]).toMatchObject({
      session_id: "sess-prev-123",
      model: "claude-opus-4-1",
      permissionMode: "bypassPermissions",
    });
    expect(events.at(-1)).toMatchObject({ type: "result", session_id: "sess-prev-123" });
    expect(events.at(-1)?.modelUsage).toHaveProperty("claude-opus-4-1");
  });

  it("stops with error_max_turns when --max-turns 1 is reached", () => {
    const { code, events } = runStandIn([...STREAM_ARGS, "--max-turns", "1"]);
    expect(code).toBe(1);
    expect(events.at(-1)).toMatchObject({ type: "result", subtype: "error_max_turns", is_error: true });
  });

  it("refuses stream-json without --verbose the way claude does", () => {
    const { code, stdout, stderr } = runStandIn(["--print", "--output-format", "stream-json"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain("--output-format=stream-json requires --verbose");
  });

  it("fails when --append-system-prompt-file names a missing file", () => {
    const { code, stderr } = runStandIn([...STREAM_ARGS, "--append-system-prompt-file", `${scratch}/missing.md`]);
    expect(code).toBe(1);
    expect(stderr).toContain("missing.md");
  });

  it.each([
    ["exit-1", 1, { subtype: "error_during_execution", is_error: true }],
    ["auth-error", 1, { is_error: true, result: "Invalid API key · Fix external API key", api_error_status: 401 }],
    ["quota", 1, { is_error: true, api_error_status: 429 }],
    ["transient", 1, { is_error: true, api_error_status: 529 }],
    ["refusal", 1, { is_error: true, stop_reason: "refusal" }],
    ["model-not-found", 1, { is_error: true, api_error_status: 404 }],
    ["max-turns", 1, { subtype: "error_max_turns", is_error: true }],
  ])("scenario %s exits %i with an error result", (scenario, exitCode, expected) => {
    const { code, events } = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: scenario });
    expect(code).toBe(exitCode);
    expect(events.at(-1)).toMatchObject({ type: "result", ...expected });
  });

  it("scenario auth-error reports subtype success with is_error true, the trap real claude sets", () => {
    const { events } = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "auth-error" });
    expect(events.at(-1)).toMatchObject({ subtype: "success", is_error: true });
  });

  it("scenario transient retries the API (system api_retry lines) before its 529 result", () => {
    const { events } = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "transient" });
    expect(events.filter((e) => e.subtype === "api_retry").map((e) => e.attempt)).toEqual([1, 2, 3]);
  });

  it("scenario unknown-session fails a --resume with 'No conversation found' naming the id, and is a normal run without --resume", () => {
    const resumed = runStandIn([...STREAM_ARGS, "--resume", "gone-42"], {
      CLAUDE_STAND_IN_SCENARIO: "unknown-session",
    });
    expect(resumed.code).toBe(1);
    expect(resumed.events.at(-1)?.errors).toEqual(["No conversation found with session ID: gone-42"]);
    const fresh = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "unknown-session" });
    expect(fresh.code).toBe(0);
    expect(fresh.events.at(-1)).toMatchObject({ subtype: "success", is_error: false });
  });

  it("scenario no-result writes assistant lines and exits 0 without a result", () => {
    const { code, events } = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "no-result" });
    expect(code).toBe(0);
    expect(events.some((e) => e.type === "assistant")).toBe(true);
    expect(events.some((e) => e.type === "result")).toBe(false);
  });

  it("scenario sigkill dies by SIGKILL mid-stream with its earlier lines already written", () => {
    const { code, signal, events } = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "sigkill" });
    expect(code).toBeNull();
    expect(signal).toBe("SIGKILL");
    expect(events.map((e) => e.type)).toEqual(["system", "assistant"]);
  });

  it("scenario huge-line writes one valid tool_result line of the requested MiB with multi-byte characters", () => {
    const { code, stdout, events } = runStandIn(STREAM_ARGS, {
      CLAUDE_STAND_IN_SCENARIO: "huge-line",
      CLAUDE_STAND_IN_HUGE_MB: "3",
    });
    expect(code).toBe(0);
    const longest = Math.max(...stdout.split("\n").map((line) => Buffer.byteLength(line)));
    expect(longest).toBeGreaterThan(3 * 1024 * 1024);
    const toolResult = events.find((e) => e.type === "user")?.message?.content[0]?.content ?? "";
    expect(toolResult).toContain("café ✓ 🚀");
    expect(events.at(-1)?.type).toBe("result");
  });

  it("scenario shell really runs CLAUDE_STAND_IN_SHELL as its Bash call and returns the output as the tool_result", () => {
    const { code, stdout, events } = runStandIn(STREAM_ARGS, {
      CLAUDE_STAND_IN_SCENARIO: "shell",
      CLAUDE_STAND_IN_SHELL: "echo out-$((6 * 7)); echo err >&2; exit 3",
    });
    expect(code).toBe(0);
    expect(stdout).toContain(JSON.stringify({ command: "echo out-$((6 * 7)); echo err >&2; exit 3" }).slice(0, -1));
    const toolResult = events.find((e) => e.type === "user")?.message?.content[0]?.content ?? "";
    expect(toolResult).toBe("out-42\nerr\n\nExit code 3");
    expect(events.at(-1)).toMatchObject({ type: "result", is_error: false });
  });

  it("scenario slow writes one line per tick for the configured duration, then a result", () => {
    const { code, events } = runStandIn(STREAM_ARGS, {
      CLAUDE_STAND_IN_SCENARIO: "slow",
      CLAUDE_STAND_IN_DURATION_S: "3",
      CLAUDE_STAND_IN_TICK_MS: "10",
    });
    expect(code).toBe(0);
    expect(events.filter((e) => e.type === "assistant")).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: "result", is_error: false });
  });

  it("scenarios stderr-only and silent write nothing to stdout", () => {
    const stderrOnly = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "stderr-only" });
    expect([stderrOnly.code, stderrOnly.stdout]).toEqual([1, ""]);
    expect(stderrOnly.stderr).toContain("STAND-IN simulated failure");
    const silent = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "silent" });
    expect([silent.code, silent.stdout, silent.stderr]).toEqual([0, "", ""]);
  });

  it("CLAUDE_STAND_IN_EXIT_CODE changes the failing scenarios' exit code", () => {
    expect(runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "exit-1", CLAUDE_STAND_IN_EXIT_CODE: "7" }).code).toBe(
      7,
    );
  });

  it("refuses an unknown scenario with exit 2 and the list of known ones", () => {
    const { code, stderr } = runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_SCENARIO: "nope" });
    expect(code).toBe(2);
    expect(stderr).toContain("huge-line");
  });

  it("records argv, prompt, cwd and env KEYS per invocation, never env values", () => {
    const record = `${scratch}/record.ndjson`;
    runStandIn(
      [...STREAM_ARGS, "--resume", "s-1"],
      { CLAUDE_STAND_IN_RECORD: record, PAPERCLIP_API_KEY: "very-secret-token" },
      "first",
    );
    runStandIn(STREAM_ARGS, { CLAUDE_STAND_IN_RECORD: record }, "second");
    const text = readFileSync(record, "utf8");
    expect(text).not.toContain("very-secret-token");
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { argv: string[]; prompt: string; cwd: string; envKeys: string[] });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ argv: [...STREAM_ARGS, "--resume", "s-1"], prompt: "first", cwd: scratch });
    expect(lines[0]?.envKeys).toContain("PAPERCLIP_API_KEY");
    expect(lines[1]?.prompt).toBe("second");
  });

  it("puts a positional prompt before stdin as claude does, so a stray `-` shows in the prompt", () => {
    const record = `${scratch}/positional.ndjson`;
    runStandIn([...STREAM_ARGS, "-"], { CLAUDE_STAND_IN_RECORD: record }, "the prompt");
    expect(JSON.parse(readFileSync(record, "utf8").trim()).prompt).toBe("-\nthe prompt");
  });

  it("prints only the final answer with --output-format text", () => {
    const { code, stdout } = runStandIn(["-p", "--output-format", "text"], {}, "hi there");
    expect(code).toBe(0);
    expect(stdout).toBe('STAND-IN reply (not Claude) to "hi there"\n');
  });
});
