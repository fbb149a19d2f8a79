/**
 * How Paperclip stores and shows what a run produced, so the e2e can compare it with what the pod
 * wrote: its log chunks as lines, its 64K-per-chunk cut, its redaction of secret-looking values, and
 * the run page's Cost cell.
 */
import { expect } from "vitest";
import type { HeartbeatRun, RunLogChunk } from "./paperclip-api.js";

/**
 * The run page's Cost cell, by the rule of Paperclip's own UI at the pinned version: no cost for a
 * `subscription_included` run, else the first number among costUsd, cost_usd, total_cost_usd of the
 * run's usageJson, then of its resultJson.
 */
export function costCell(run: HeartbeatRun): number {
  const firstCost = (record: Record<string, unknown> | null): number => {
    for (const key of ["costUsd", "cost_usd", "total_cost_usd"]) {
      const value = record?.[key];
      if (typeof value === "number" && Number.isFinite(value)) return value;
    }
    return 0;
  };
  const billingType = run.usageJson?.billingType ?? run.resultJson?.billingType;
  if (billingType === "subscription_included") return 0;
  return firstCost(run.usageJson) || firstCost(run.resultJson);
}

/** Every stdout line Paperclip stored, status lines included, in order. */
export function storedStdoutLines(chunks: readonly RunLogChunk[]): string[] {
  return chunks
    .filter((chunk) => chunk.stream === "stdout")
    .map((chunk) => chunk.chunk)
    .join("")
    .split("\n")
    .filter((line) => line !== "");
}

/** The stdout the agent produced, as Paperclip stored it: its lines without the status lines. */
export function stdoutLines(chunks: readonly RunLogChunk[]): string[] {
  return storedStdoutLines(chunks).filter(
    (line) => !line.startsWith("[claude-k8s]") && !line.startsWith("[paperclip]"),
  );
}

/** Paperclip stores at most 64K chars per onLog chunk and marks the cut with this line. */
const PAPERCLIP_TRUNCATION_MARKER = "[paperclip truncated run log chunk";
/** What Paperclip redacts in stored log chunks (values of secret-looking keys such as apiKeySource). */
const REDACTED = "***REDACTED***";

/**
 * The transcript line as Paperclip's log API shows it: the original, except string values the API
 * replaced with REDACTED. Returns the original line unchanged when anything else differs, so a
 * mismatch shows up as a normal diff.
 */
function asStoredByPaperclip(storedLine: string, originalLine: string): string {
  if (storedLine === originalLine || !storedLine.includes(REDACTED)) return originalLine;
  const redactLike = (stored: unknown, original: unknown): unknown => {
    if (stored === REDACTED && typeof original === "string") return REDACTED;
    if (Array.isArray(stored) && Array.isArray(original)) return original.map((item, i) => redactLike(stored[i], item));
    if (stored && original && typeof stored === "object" && typeof original === "object") {
      const storedRecord = stored as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(original as Record<string, unknown>).map(([key, value]) => [
          key,
          redactLike(storedRecord[key], value),
        ]),
      );
    }
    return original;
  };
  return JSON.stringify(redactLike(JSON.parse(storedLine), JSON.parse(originalLine)));
}

/** Asserts Paperclip's stored lines are the pod's transcript, line for line (redactions aside). */
export function expectStoredLinesMatch(stored: readonly string[], transcript: readonly string[]): void {
  const truncated = stored.filter((line) => line.startsWith(PAPERCLIP_TRUNCATION_MARKER));
  expect(truncated, "Paperclip truncated an onLog chunk over 64K chars: send long lines in smaller chunks").toEqual([]);
  expect(stored).toHaveLength(transcript.length);
  stored.forEach((line, index) => expect(asStoredByPaperclip(line, transcript[index] ?? "")).toBe(line));
}
