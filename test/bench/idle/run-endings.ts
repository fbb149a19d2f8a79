/**
 * How the idle bench's runs end, and what the domain's classifier must then say: each run gets one
 * of a few known endings by its index, its pod stand-in writes the ending's last lines and trailer
 * (or none), the tail child hands the pod's end to the real RunStreamer as the cluster watch would,
 * and classifyEnding decides. A run whose outcome differs from its ending's is misclassified.
 */
import type { PodEnd } from "../../../src/domain/run/run-streamer.js";
import { resultLine, stderrLine } from "../scale/bench-lines.js";

export type EndingKind = "success" | "error-result" | "max-turns" | "exit-no-result" | "killed";

export interface RunEndingPlan {
  readonly kind: EndingKind;
  /** What claude's process exits with (the container's terminated state), 137 when killed. */
  readonly exitCode: number;
  /** The run script writes the trailer (a killed container never gets to it). */
  readonly trailer: boolean;
  /** The outcome's errorCode the classifier must give, null for success. */
  readonly expectedCode: string | null;
}

const PLANS: readonly RunEndingPlan[] = [
  { kind: "success", exitCode: 0, trailer: true, expectedCode: null },
  { kind: "error-result", exitCode: 1, trailer: true, expectedCode: "claude_failed" },
  { kind: "max-turns", exitCode: 1, trailer: true, expectedCode: "max_turns_exhausted" },
  // No result: output was written, so it was cut short whatever the exit code.
  { kind: "exit-no-result", exitCode: 3, trailer: true, expectedCode: "claude_truncated" },
  // OOMKilled before the trailer: the tail ends without one, and the kill explains it.
  { kind: "killed", exitCode: 137, trailer: false, expectedCode: "claude_truncated" },
];

export const ENDING_KINDS: readonly EndingKind[] = PLANS.map((p) => p.kind);

export function endingOf(index: number): RunEndingPlan {
  return PLANS[index % PLANS.length] as RunEndingPlan;
}

/** The stdout and stderr lines the pod writes last (each with its newline), given the next sequence numbers. */
export function finalLines(
  plan: RunEndingPlan,
  sessionId: string,
  stdoutSeq: number,
  now: number,
): { stdout: string[]; stderr: string[] } {
  switch (plan.kind) {
    case "success":
      return { stdout: [`${resultLine(sessionId, stdoutSeq, now, "success")}\n`], stderr: [] };
    case "error-result":
      return { stdout: [`${resultLine(sessionId, stdoutSeq, now, "failed")}\n`], stderr: [] };
    case "max-turns":
      return { stdout: [`${resultLine(sessionId, stdoutSeq, now, "max-turns")}\n`], stderr: [] };
    case "exit-no-result":
    case "killed":
      // A stderr line with no known failure words: the classifier must fall through to the exit.
      return { stdout: [], stderr: [`${stderrLine(0, now)}\n`] };
  }
}

/** Lines each stream holds in the end, beyond `assistantLines` after the init line. */
export function expectedLineCounts(plan: RunEndingPlan, assistantLines: number): { stdout: number; stderr: number } {
  const withResult = plan.kind === "success" || plan.kind === "error-result" || plan.kind === "max-turns";
  return { stdout: 1 + assistantLines + (withResult ? 1 : 0), stderr: withResult ? 0 : 1 };
}

/** How the cluster reports the pod's end, as the pod watch hands it to the RunStreamer. */
export function podEndOf(plan: RunEndingPlan): PodEnd {
  const reason = plan.kind === "killed" ? "OOMKilled" : plan.exitCode === 0 ? "Completed" : "Error";
  return { kind: "terminated", terminated: { exitCode: plan.exitCode, reason }, jobFailureReason: null };
}
