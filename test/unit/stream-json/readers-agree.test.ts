/**
 * The three readers of claude's stream-json — the accumulator behind the run's outcome, the UI
 * parser as Paperclip's browser evaluates its bundle, and the CLI formatter — must tell the same
 * story about every held transcript: success or failure, the session, the result's words, usage, cost.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { TranscriptEntry } from "@paperclipai/adapter-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { formatStreamLine } from "../../../src/cli/format-stream-line.js";
import { classifyOutcome } from "../../../src/domain/outcome/classify-outcome.js";
import { StreamJsonAccumulator } from "../../../src/domain/outcome/stream-json-accumulator.js";
import { usageFromResult } from "../../../src/domain/stream-json/usage.js";
import { evidence } from "../outcome/transcript-fixtures.js";
import { loadBundle, type ParseStdoutLine } from "../ui-parser/load-bundle.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/transcripts/", import.meta.url));
const TS = "2026-12-01T00:00:00.000Z";

/** Every `.ndjson` under test/fixtures/transcripts, real-CLI recordings included. */
function transcriptNames(dir = FIXTURES, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return transcriptNames(`${dir}${entry.name}/`, `${prefix}${entry.name}/`);
    return entry.name.endsWith(".ndjson") ? [`${prefix}${entry.name}`] : [];
  });
}

type Verdict = "success" | "failure" | "no result";
interface Usage {
  readonly input: number;
  readonly output: number;
  readonly cached: number;
}

/** What one reader says about a transcript; undefined where that reader does not show it. */
interface ReaderView {
  readonly verdict: Verdict;
  readonly sessionId: string | null;
  readonly model: string | null;
  /** The words a reader gives for the run: the result's text, else what it fell back to. */
  readonly words?: string | null;
  readonly usage?: Usage | null;
  readonly costUsd?: number | null;
}

function accumulatorView(lines: readonly string[]): ReaderView {
  const accumulator = new StreamJsonAccumulator();
  for (const line of lines) accumulator.push(line);
  const stream = accumulator.summary;
  // Kubernetes agrees with the pod (exit 0), so the stream alone decides the outcome.
  const outcome = classifyOutcome(evidence(stream));
  const usage = outcome.usage;
  return {
    verdict: stream.result === null ? "no result" : outcome.failure === null ? "success" : "failure",
    sessionId: stream.init?.sessionId ?? null,
    model: stream.init?.model ?? null,
    words: outcome.summary,
    ...(stream.result === null
      ? {}
      : {
          // A result without usage leaves the run billing its assistant messages' usage, which the
          // UI and the CLI do not add up: they show the result's own.
          usage:
            usageFromResult(stream.result) === null
              ? undefined
              : usage && { input: usage.inputTokens, output: usage.outputTokens, cached: usage.cachedInputTokens },
          costUsd: outcome.costUsd,
        }),
  };
}

function uiView(lines: readonly string[], parse: ParseStdoutLine): ReaderView & { readonly resultWords: string } {
  const entries = lines.flatMap((line) => parse(line, TS));
  const init = entries.find((entry) => entry.kind === "init");
  const results = entries.filter((entry) => entry.kind === "result");
  const result = results[results.length - 1];
  const assistantText = entries
    .filter((entry): entry is Extract<TranscriptEntry, { kind: "assistant" }> => entry.kind === "assistant")
    .map((entry) => entry.text)
    .join("\n\n");
  const base = {
    sessionId: init?.sessionId || null,
    model: init ? init.model : null,
    resultWords: result ? [result.text, ...(result.errors ?? [])].filter((text) => text.trim()).join("\n") : "",
  };
  if (result === undefined) return { ...base, verdict: "no result", words: assistantText || null };
  return {
    ...base,
    verdict: result.isError ? "failure" : "success",
    words: result.text || assistantText || null,
    usage: { input: result.inputTokens, output: result.outputTokens, cached: result.cachedTokens },
    costUsd: result.costUsd,
  };
}

const TOKENS = /([\d,]+) in \/ ([\d,]+) out tokens(?: \(([\d,]+) cached\))?/;
const number = (text: string | undefined): number => Number((text ?? "0").replaceAll(",", ""));

function cliView(lines: readonly string[]): ReaderView & { readonly failureText: string | null } {
  const printed = lines.map((line) => formatStreamLine(line)).filter((out): out is string => out !== null);
  const session = printed.map((out) => /^● session (\S+) · model (.+?)(?: · \d+ tools)?$/.exec(out)).find(Boolean);
  const results = printed.filter((out) => /^[✓✗] /.test(out));
  const result = results[results.length - 1];
  const base = { sessionId: session?.[1] ?? null, model: session?.[2] ?? null, failureText: null };
  if (result === undefined) return { ...base, verdict: "no result" };
  const [summary = "", ...message] = result.split("\n");
  const tokens = TOKENS.exec(summary);
  const cost = /\$(\d+\.\d+)/.exec(summary);
  return {
    ...base,
    verdict: summary.startsWith("✓") ? "success" : "failure",
    usage: tokens ? { input: number(tokens[1]), output: number(tokens[2]), cached: number(tokens[3]) } : null,
    costUsd: cost ? Number(cost[1]) : null,
    failureText: message.length > 0 ? message.join("\n") : null,
  };
}

/** Where two readers differ, one line each: `field: a=… b=…`. */
function differences(name: string, a: [string, ReaderView], b: [string, ReaderView]): string[] {
  const found: string[] = [];
  const fields = ["verdict", "sessionId", "model", "words", "usage", "costUsd"] as const;
  for (const field of fields) {
    const left = a[1][field];
    const right = b[1][field];
    if (left === undefined || right === undefined) continue;
    const same =
      field === "costUsd" && typeof left === "number" && typeof right === "number"
        ? Math.abs(left - right) <= 5e-5 // the CLI prints dollars to 4 decimals
        : JSON.stringify(left) === JSON.stringify(right);
    if (!same) found.push(`${name} ${field}: ${a[0]}=${JSON.stringify(left)} ${b[0]}=${JSON.stringify(right)}`);
  }
  return found;
}

let parseInBrowser: ParseStdoutLine;

beforeAll(async () => {
  parseInBrowser = (await loadBundle()).parseStdoutLine;
});

describe("the three readers of stream-json", () => {
  it("agree on every held transcript: verdict, session, model, the result's words, usage and cost", () => {
    const names = transcriptNames();
    const disagreements: string[] = [];
    for (const name of names) {
      const lines = readFileSync(`${FIXTURES}${name}`, "utf8").split("\n");
      const accumulator = accumulatorView(lines);
      const ui = uiView(lines, parseInBrowser);
      const cli = cliView(lines);
      disagreements.push(
        // The UI's result entry cannot say "unknown cost": it shows 0.
        ...differences(name, ["accumulator", { ...accumulator, costUsd: accumulator.costUsd ?? 0 }], ["ui", ui]),
        ...differences(name, ["accumulator", accumulator], ["cli", cli]),
      );
      // Under a failure the CLI prints the head of the result's own words: claude's text, else its errors.
      const shown = cli.failureText?.replace(/…$/, "") ?? "";
      if (cli.verdict === "failure" && (shown === "") !== (ui.resultWords === "")) {
        disagreements.push(`${name} failure words: ui=${JSON.stringify(ui.resultWords)} cli=${JSON.stringify(shown)}`);
      } else if (!ui.resultWords.startsWith(shown)) {
        disagreements.push(`${name} failure words: cli=${JSON.stringify(shown)} is not what the ui shows`);
      }
    }
    expect(names.length).toBeGreaterThanOrEqual(32);
    expect(disagreements).toEqual([]);
  });

  it("give a failed result's error object without a message the same words: its JSON", () => {
    const lines = readFileSync(`${FIXTURES}result-error-without-message.ndjson`, "utf8").split("\n");
    const words = '{"code":"tool_runtime_crash","tool":"Bash"}';
    const accumulator = new StreamJsonAccumulator();
    for (const line of lines) accumulator.push(line);
    const failure = classifyOutcome(evidence(accumulator.summary)).failure;

    expect(failure?.errorCode).toBe("claude_failed");
    expect(failure?.details.detail).toBe(`result error_during_execution with is_error: ${words}`);
    expect(uiView(lines, parseInBrowser).resultWords).toBe(words);
    expect(cliView(lines).failureText).toBe(words);
  });
});
