/** Labelled stream-json transcripts (test/fixtures/transcripts) fed through the accumulator, plus evidence defaults. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { OutcomeEvidence } from "../../../src/domain/outcome/classify-outcome.js";
import { StreamJsonAccumulator, type StreamSummary } from "../../../src/domain/outcome/stream-json-accumulator.js";
import type { RunTrailer } from "../../../src/domain/run-trailer.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures/transcripts/", import.meta.url));

export const NOW_MS = Date.UTC(2025, 10, 24, 12, 0, 0);
export const JOB = "claude-agent-7-run-42";
export const RESUMED_SESSION = "0b9e4c1d-3a2f-4d8e-8c71-6f5a2e9b0d14";

export function readTranscript(name: string): string {
  return readFileSync(`${FIXTURES}${name}.ndjson`, "utf8");
}

/** Feeds the transcript line by line, as the tailer does. */
export function summarize(name: string): StreamSummary {
  const accumulator = new StreamJsonAccumulator();
  for (const line of readTranscript(name).split("\n")) accumulator.push(line);
  return accumulator.summary;
}

export function trailer(exitCode: number): RunTrailer {
  return { version: 1, exitCode, stdoutBytes: 1, stderrBytes: 0 };
}

export function evidence(stream: StreamSummary, overrides: Partial<OutcomeEvidence> = {}): OutcomeEvidence {
  // Kubernetes agrees with the trailer unless a test says otherwise.
  const exitCode = overrides.trailer?.exitCode ?? 0;
  return {
    stream,
    trailer: trailer(0),
    podTermination: { exitCode, reason: exitCode === 0 ? "Completed" : "Error" },
    jobFailureReason: null,
    cancelled: null,
    jobDeletedExternally: false,
    earlierFailure: null,
    stderrTail: "",
    resumedSessionId: null,
    // As if the server had chosen the session the transcript reports.
    runSessionId: stream.sessionId,
    jobName: JOB,
    requestedModel: null,
    timeoutSec: 3600,
    nowMs: NOW_MS,
    billingEnv: { useBedrock: false, hasApiKey: true },
    ...overrides,
  };
}
