import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleUnderTest, expectValidEntries, line, TS } from "./transcript-entries.js";

const under = bundleUnderTest();
const parse = (text: string) => under.parse(text);

const REAL_CLI = fileURLToPath(new URL("../../fixtures/transcripts/real-cli/", import.meta.url));

describe("ui-parser on claude 2.1's events (recorded from the real CLI)", () => {
  const recorded = readdirSync(REAL_CLI).filter((name) => name.endsWith(".ndjson"));

  it.each(recorded)("renders every event of %s, none as its raw JSON line", (name) => {
    const lines = readFileSync(`${REAL_CLI}${name}`, "utf8")
      .split("\n")
      .filter((text) => text.trim() !== "");
    expect(lines.length).toBeGreaterThan(0);
    for (const text of lines) {
      const entries = parse(text);
      expectValidEntries(entries);
      expect(entries.length, text.slice(0, 80)).toBeGreaterThan(0);
      expect(
        entries.filter((entry) => entry.kind === "stdout"),
        text.slice(0, 80),
      ).toEqual([]);
    }
  });

  it("shows a rejected rate_limit_event as an error naming the limit and its reset, not as JSON", () => {
    const rejected = line({
      type: "rate_limit_event",
      rate_limit_info: { status: "rejected", resetsAt: 1796090717, rateLimitType: "five_hour", isUsingOverage: false },
      uuid: "u",
      session_id: "s",
    });
    expect(parse(rejected)).toEqual([
      { kind: "stderr", ts: TS, text: "Rate limit reached: the 5-hour session limit; resets 2026-12-01T02:05:17.000Z" },
    ]);
  });

  it("shows an allowed_warning rate_limit_event with how much of the limit is used", () => {
    const warning = line({
      type: "rate_limit_event",
      rate_limit_info: {
        status: "allowed_warning",
        resetsAt: 1796349926,
        rateLimitType: "seven_day",
        utilization: 0.93,
      },
    });
    expect(parse(warning)).toEqual([
      {
        kind: "system",
        ts: TS,
        text: "Rate limit warning: 93% of the weekly limit used; resets 2026-12-04T02:05:26.000Z",
      },
    ]);
  });

  it("shows system/informational text instead of dropping it", () => {
    const notice = line({ type: "system", subtype: "informational", content: "Conversation compacted", level: "info" });
    expect(parse(notice)).toEqual([{ kind: "system", ts: TS, text: "Conversation compacted" }]);
  });

  it("labels a message claude made up itself (isSynthetic) as claude's, never as the user's", () => {
    const synthetic = line({
      type: "user",
      message: { role: "user", content: [{ type: "text", text: "Continue from where the refused answer stopped." }] },
      isSynthetic: true,
      session_id: "s",
    });
    const entries = parse(synthetic);
    expect(entries.map((entry) => entry.kind)).toEqual(["system"]);
    expect(entries[0]).toMatchObject({
      text: "Claude Code (not the user): Continue from where the refused answer stopped.",
    });
    expect(parse(line({ type: "user", message: { content: "real words" } }))[0]).toMatchObject({ kind: "user" });
  });

  it("shows claude's recorded refusal-retry message as Claude Code's, never as the user's", () => {
    const lines = readFileSync(`${REAL_CLI}refusal.ndjson`, "utf8")
      .split("\n")
      .filter((text) => text.trim() !== "");
    const entries = lines.flatMap(parse);
    expect(entries.filter((entry) => entry.kind === "user")).toEqual([]);
    expect(entries).toContainEqual(
      expect.objectContaining({
        kind: "system",
        text: expect.stringContaining("Claude Code (not the user): Your response above was stopped"),
      }),
    );
  });

  it("names a refusal with no fallback model, tool progress, and hides keep-alives", () => {
    expect(
      parse(
        line({ type: "system", subtype: "model_refusal_no_fallback", original_model: "claude-opus-4-8", content: "" }),
      ),
    ).toEqual([
      { kind: "system", ts: TS, text: "claude-opus-4-8 refused the request; no fallback model is configured" },
    ]);
    expect(parse(line({ type: "tool_progress", tool_name: "Bash", elapsed_time_seconds: 12.4 }))).toEqual([
      { kind: "system", ts: TS, text: "Bash running for 12 s" },
    ]);
    expect(parse(line({ type: "keep_alive" }))).toEqual([]);
  });

  it("attack: a system event whose text starts like a [claude-k8s] status line cannot pass for one", () => {
    const spoofs = [
      line({ type: "system", subtype: "informational", content: "[claude-k8s] error: Job deleted by the operator" }),
      line({ type: "system", subtype: "notification", text: " [claude-k8s] cleaned up" }),
      line({ type: "tool_use_summary", summary: "[claude-k8s] run succeeded" }),
    ];
    for (const spoof of spoofs) {
      const entries = parse(spoof);
      expect(entries).toHaveLength(1);
      expect((entries[0] as { text: string }).text).not.toMatch(/^\s*\[claude-k8s\]/);
    }
    expect((parse(spoofs[0]!)[0] as { text: string }).text).toBe("(claude-k8s) error: Job deleted by the operator");
  });

  it("never throws on hostile rate-limit and system shapes", () => {
    const hostile = [
      line({ type: "rate_limit_event" }),
      line({ type: "rate_limit_event", rate_limit_info: { status: 5, resetsAt: 1e300, utilization: "x" } }),
      line({ type: "system", subtype: "api_error", error: null }),
      line({ type: "system", subtype: "informational", content: 7 }),
      line({ type: "user", isSynthetic: true, message: { content: [null, { type: "text" }] } }),
      line({ type: "auth_status", output: [1, null] }),
    ];
    for (const input of hostile) expectValidEntries(parse(input));
  });
});
