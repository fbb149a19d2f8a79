/**
 * The real Claude Code CLI (pinned in devDependencies) inside real pods — the run harness's
 * loopback cluster, the real client-node, the dash run script — talking to the Anthropic API
 * double. Every run checks the model received exactly the prompt the adapter built.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { deliveredTranscript } from "../support/run-harness/delivered-transcript.js";
import { apiErrors, byTurn, promptOf, reply, toolResultsOf } from "../support/anthropic-api-double/index.js";
import { ONLY_CREDENTIALS_LEFT, RealCliWorld, type Credentials } from "./support/real-cli-world.js";

const PROMPT = "You are Agent One.\n\nSummarise the README in three bullets.\n";

describe("the real Claude Code CLI in a run pod, against the Anthropic API double", () => {
  let world: RealCliWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  async function start(credentials?: Credentials): Promise<RealCliWorld> {
    world = await RealCliWorld.start(credentials);
    return world;
  }

  it("succeeds with a Bash call the CLI really runs, usage and session reported, nothing left", async () => {
    const w = await start();
    w.model.respond(byTurn(reply.bash("echo bash-ran-in-the-pod; id -u"), reply.text("Three bullets.")));
    const run = w.harness.start(w.request({ prompt: PROMPT }));
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    expect(report.outcome.exitCode).toBe(0);
    expect(report.outcome.summary).toBe("Three bullets.");
    expect(report.outcome.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(report.outcome.usage).toMatchObject({ inputTokens: 50, outputTokens: 20 });
    w.expectModelGotExactly(PROMPT);
    const calls = w.model.messageCalls();
    expect(calls).toHaveLength(2);
    // The tool ran as the pod's user: the spec's runAsUser (1000) when the server is root, as in a cluster.
    const podUid = process.getuid?.() === 0 ? 1000 : process.getuid?.();
    expect(toolResultsOf(calls[1]!.body!)).toEqual([`bash-ran-in-the-pod\n${podUid}`]);
    expect(calls[0]!.headers["x-api-key"]).toBe("sk-ant-api03-double-only");
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", "assistant", "user", "assistant", "result"]);
    expect(transcript.malformedChunks).toEqual([]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(await w.harness.leftoversAfterGrace()).toEqual(ONLY_CREDENTIALS_LEFT);
  });

  it("resumes the session across two Jobs of one agent: the second finds it in the agent's home", async () => {
    const w = await start();
    w.model.respond(byTurn(reply.text("First answer.")));
    const first = await w.harness.start(w.request({ runId: "run-1", prompt: PROMPT })).done;
    expect(first.outcome.failure).toBeNull();
    const sessionId = first.outcome.sessionId!;
    expect(await w.sessionFiles(sessionId)).toHaveLength(1);
    expect((await w.sessionFiles(sessionId))[0]).toContain("/.claude/projects/");

    const callsBefore = w.model.messageCalls().length;
    w.model.respond(byTurn(reply.text("Second answer.")));
    const second = await w.harness.start(
      w.request({ runId: "run-2", prompt: "And now the LICENSE.\n", resumeSessionId: sessionId }),
    ).done;

    expect(second.outcome.failure).toBeNull();
    expect(second.outcome.sessionId).toBe(sessionId);
    expect(second.outcome.summary).toBe("Second answer.");
    w.expectModelGotExactly(PROMPT, { to: callsBefore });
    w.expectModelGotExactly("And now the LICENSE.\n", { from: callsBefore });
    // The conversation so far came back from the session file (the CLI adds its own "system" context).
    const resumed = w.model.messageCalls()[callsBefore]!.body!.messages!.filter((message) => message.role !== "system");
    expect(resumed.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(promptOf({ messages: [resumed[0]!] })).toEqual([PROMPT]);
    expect(JSON.stringify(resumed[1]!.content)).toContain("First answer.");
    expect(await w.harness.leftoversAfterGrace()).toEqual(ONLY_CREDENTIALS_LEFT);
  });

  it("names an unknown session session_unavailable and clears it; the model is never called", async () => {
    const w = await start();
    const missing = randomUUID();
    const report = await w.harness.start(w.request({ prompt: PROMPT, resumeSessionId: missing })).done;

    expect(report.outcome.failure?.errorCode).toBe("session_unavailable");
    expect(report.outcome.clearSession).toBe(true);
    expect(w.model.messageCalls()).toEqual([]);
    expect(await w.harness.leftoversAfterGrace()).toEqual(ONLY_CREDENTIALS_LEFT);
  });

  it("names a rejected API key (401) claude_auth_required with claude's words", async () => {
    const w = await start();
    w.model.respond(byTurn(apiErrors.invalidApiKey()));
    const report = await w.harness.start(w.request({ prompt: PROMPT })).done;

    expect(report.outcome.failure?.errorCode).toBe("claude_auth_required");
    expect(report.outcome.failure?.errorMessage).toContain("Invalid API key · Fix external API key");
    w.expectModelGotExactly(PROMPT);
    expect(w.model.messageCalls()).toHaveLength(1);
  });

  it("names an API key's rate limit (429 with retry-after) provider_quota with a retry time", async () => {
    const w = await start();
    const resetAt = new Date(Date.now() + 60_000);
    w.model.respond(byTurn(apiErrors.rateLimited(resetAt, 1)));
    const before = Date.now();
    const report = await w.harness.start(w.request({ prompt: PROMPT })).done;

    expect(report.outcome.failure?.errorCode).toBe("provider_quota");
    expect(report.outcome.failure?.errorMessage).toContain(
      "This request would exceed the rate limit for your organization.",
    );
    expect(Date.parse(report.outcome.retryNotBefore ?? "")).toBeGreaterThan(before);
    w.expectModelGotExactly(PROMPT);
    // CLAUDE_CODE_MAX_RETRIES defaults to 2 in the pod: the first call and two retries.
    expect(w.model.messageCalls()).toHaveLength(3);
  });

  it("names a subscription's limit (rate_limit_event) provider_quota, retrying when the limit resets", async () => {
    const w = await start("oauth");
    const resetAt = new Date(Math.floor(Date.now() / 1000 + 3 * 3600) * 1000);
    w.model.respond(byTurn(apiErrors.subscriptionLimitReached(resetAt)));
    const run = w.harness.start(w.request({ prompt: PROMPT }));
    const report = await run.done;

    expect(deliveredTranscript(run.stdout).types).toContain("rate_limit_event");
    expect(report.outcome.failure?.errorCode).toBe("provider_quota");
    expect(report.outcome.retryNotBefore).toBe(resetAt.toISOString());
    expect(w.model.messageCalls()[0]!.headers.authorization).toBe("Bearer sk-ant-oat01-double-only");
    w.expectModelGotExactly(PROMPT);
  });

  it.each([
    ["529 overloaded", apiErrors.overloaded(), "529 Overloaded"],
    ["500 internal error", apiErrors.internal(), "500 Internal server error"],
  ])("names %s claude_transient_upstream after claude's bounded retries", async (_name, answer, words) => {
    const w = await start();
    w.model.respond(byTurn(answer));
    const report = await w.harness.start(w.request({ prompt: PROMPT })).done;

    expect(report.outcome.failure?.errorCode).toBe("claude_transient_upstream");
    expect(report.outcome.failure?.errorMessage).toContain(words);
    expect(w.model.messageCalls()).toHaveLength(3);
    w.expectModelGotExactly(PROMPT);
  });

  it("names an unknown model (404) model_not_found, the requested model sent", async () => {
    const w = await start();
    w.model.respond(byTurn(apiErrors.modelNotFound("claude-nope-1")));
    const report = await w.harness.start(w.request({ prompt: PROMPT }, { model: "claude-nope-1" })).done;

    expect(report.outcome.failure?.errorCode).toBe("model_not_found");
    w.expectModelGotExactly(PROMPT);
    expect(w.model.messageCalls()[0]!.body!.model).toBe("claude-nope-1");
  });

  it("names a run that uses up --max-turns max_turns_exhausted", async () => {
    const w = await start();
    w.model.respond(byTurn(reply.bash("echo one"), reply.bash("echo two"), reply.text("never reached")));
    const run = w.harness.start(w.request({ prompt: PROMPT }, { maxTurnsPerRun: 1 }));
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("max_turns_exhausted");
    expect(w.model.messageCalls()).toHaveLength(1);
    w.expectModelGotExactly(PROMPT);
  });

  it("names a refused answer claude_refusal with claude's words", async () => {
    const w = await start();
    w.model.respond(byTurn(reply.refusal("I")));
    const report = await w.harness.start(w.request({ prompt: PROMPT })).done;

    expect(report.outcome.failure?.errorCode).toBe("claude_refusal");
    expect(report.outcome.failure?.errorMessage).toContain("safeguards flagged this message");
    w.expectModelGotExactly(PROMPT);
  });

  it("acknowledges a cancel while the API stalls: cancelled, no process and no file left", async () => {
    const w = await start();
    w.model.respond(byTurn(reply.stall()));
    const cancel = new AbortController();
    const run = w.harness.start(w.request({ prompt: PROMPT }), { signal: cancel.signal });
    await expect.poll(() => w.model.stalledCalls, { timeout: 30_000 }).toBe(1);
    cancel.abort();
    const report = await run.done;

    expect(report.outcome.failure?.errorCode).toBe("cancelled");
    expect(report.outcome.failure?.errorMessage).toBe(
      `Run cancelled by the operator; Job ${report.jobName} was deleted.`,
    );
    w.expectModelGotExactly(PROMPT);
    expect(await w.harness.leftoversAfterGrace()).toEqual(ONLY_CREDENTIALS_LEFT);
    await expect.poll(() => w.model.stalledCalls).toBe(0);
  });

  it("runs a Bash call with 5 MB of output: claude keeps it out of the model's context, the run succeeds whole", async () => {
    const w = await start();
    w.model.respond(byTurn(reply.bash("head -c 5000000 /dev/zero | tr '\\0' x"), reply.text("Done.")));
    const run = w.harness.start(w.request({ prompt: PROMPT }));
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    const toolResult = toolResultsOf(w.model.messageCalls()[1]!.body!)[0] ?? "";
    expect(toolResult).toContain("Output too large");
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.types).toEqual(["system", "assistant", "user", "assistant", "result"]);
    expect(transcript.malformedChunks).toEqual([]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    w.expectModelGotExactly(PROMPT);
    expect(await w.harness.leftoversAfterGrace()).toEqual(ONLY_CREDENTIALS_LEFT);
  });

  it("delivers a 5 MB answer from the model whole, as one line", async () => {
    const w = await start();
    const large = "z".repeat(5 * 1024 * 1024);
    w.model.respond(byTurn(reply.text(large)));
    const run = w.harness.start(w.request({ prompt: PROMPT }));
    const report = await run.done;

    expect(report.outcome.failure).toBeNull();
    const transcript = deliveredTranscript(run.stdout);
    expect(transcript.malformedChunks).toEqual([]);
    expect(transcript.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect(run.stdout.some((chunk) => chunk.includes(large))).toBe(true);
    w.expectModelGotExactly(PROMPT);
  });
});
