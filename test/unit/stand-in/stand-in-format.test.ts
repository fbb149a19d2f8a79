/**
 * Keeps the stand-in honest: each scenario's transcript must have the event shapes of the matching
 * transcript recorded from the real claude CLI (test/fixtures/transcripts/real-cli): the same kinds
 * of event in the same order, and the same field names at every level the adapter or the UI reads.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";

type Json = Record<string, unknown>;

const CLAUDE = `${claudeStandInBinDirectory()}/claude`;
const REAL_CLI = fileURLToPath(new URL("../../fixtures/transcripts/real-cli/", import.meta.url));
const STREAM_ARGS = ["--print", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions"];
const scratch = mkdtempSync(`${tmpdir()}/stand-in-format-`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const asObject = (value: unknown): Json | null =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : null;
const keys = (value: unknown): string =>
  Object.keys(asObject(value) ?? {})
    .sort()
    .join(",");

/** What kind of event this is, finely enough that a made-up message never passes for the model's. */
function kindOf(event: Json): string {
  const message = asObject(event.message);
  const blocks = Array.isArray(message?.content) ? message.content.map((block) => asObject(block)?.type) : [];
  if (event.type === "assistant")
    return `assistant:${message?.model === "<synthetic>" ? "synthetic" : blocks.join("+")}`;
  if (event.type === "user") return `user:${event.isSynthetic === true ? "synthetic" : blocks.join("+")}`;
  return event.subtype === undefined ? String(event.type) : `${String(event.type)}/${String(event.subtype)}`;
}

/** The field names at each level that matters: the event, its message, blocks, usage, rate-limit info. */
function shapeOf(event: Json): Record<string, string> {
  const message = asObject(event.message);
  const shape: Record<string, string> = { event: keys(event) };
  if (message) {
    shape.message = keys(message);
    shape["message.usage"] = keys(message.usage);
    (Array.isArray(message.content) ? message.content : []).forEach((block, index) => {
      shape[`message.content[${index}]`] = keys(block);
    });
  }
  if (event.type === "result") {
    shape.usage = keys(event.usage);
    for (const [model, usage] of Object.entries(asObject(event.modelUsage) ?? {})) {
      shape[`modelUsage[${model === "" ? "" : "model"}]`] = keys(usage);
    }
  }
  if (event.rate_limit_info !== undefined) shape.rate_limit_info = keys(event.rate_limit_info);
  return shape;
}

function parseLines(text: string): Json[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Json);
}

/** Consecutive events of one kind (claude's retries, the stand-in's slow ticks) count once. */
function firstOfEachRun(events: Json[]): Json[] {
  return events.filter((event, index) => index === 0 || kindOf(events[index - 1]!) !== kindOf(event));
}

function standIn(scenario: string, args: string[]): Json[] {
  const child = spawnSync(CLAUDE, [...STREAM_ARGS, ...args], {
    input: "Say hi using Bash.\n",
    cwd: scratch,
    env: { PATH: process.env.PATH ?? "", CLAUDE_STAND_IN_DELAY_MS: "0", CLAUDE_STAND_IN_SCENARIO: scenario },
  });
  return parseLines(child.stdout.toString("utf8"));
}

const recorded = (name: string): Json[] => parseLines(readFileSync(`${REAL_CLI}${name}.ndjson`, "utf8"));

describe("the stand-in follows the real claude CLI's stream-json format", () => {
  it.each([
    ["success", "success-bash", []],
    ["auth-error", "auth-401-api-key", []],
    ["model-not-found", "model-404", []],
    ["quota", "quota-session-limit-oauth", []],
    ["transient", "transient-529", []],
    ["refusal", "refusal", []],
    ["max-turns", "max-turns-1", ["--max-turns", "1"]],
    ["unknown-session", "session-unavailable", ["--resume", "7d1f0c2e-5b8a-4c3d-9e6f-0a1b2c3d4e5f"]],
  ])("scenario %s has the event kinds and field names of the recorded %s", (scenario, name, args) => {
    const real = firstOfEachRun(recorded(name));
    const fake = firstOfEachRun(standIn(scenario, args));

    expect(fake.map(kindOf)).toEqual(real.map(kindOf));
    fake.forEach((event, index) => {
      expect(shapeOf(event), `${kindOf(event)} (event ${index})`).toEqual(shapeOf(real[index]!));
    });
  });

  it("tells a synthetic assistant message from the model's, so the comparison can fail", () => {
    const [synthetic] = recorded("auth-401-api-key").filter((event) => event.type === "assistant");
    const [model] = recorded("success-text").filter((event) => event.type === "assistant");

    expect(kindOf(synthetic!)).toBe("assistant:synthetic");
    expect(kindOf(model!)).toBe("assistant:text");
    expect(shapeOf(synthetic!)).not.toEqual(shapeOf(model!));
  });
});
