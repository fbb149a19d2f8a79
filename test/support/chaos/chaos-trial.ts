/**
 * One chaos trial: server A (its own process) runs a task and is SIGKILLed at a named point or at
 * a random moment; if it died before reporting, Paperclip re-queues the task and server B (a new
 * process) runs it. After B returned and the grace for pods to stop has passed, everything is
 * read from what outlives the servers: Jobs, Secrets, files, processes, how often claude ran, and
 * whether the report that reached Paperclip carries every line exactly once and the right outcome.
 */
import { existsSync, readFileSync } from "node:fs";
import type { AgentRunRequest } from "../../../src/domain/run/agent-run-request.js";
import { CrashingServer } from "../crashing-server/crashing-server.js";
import type { CrashPoint } from "../crashing-server/server-protocol.js";
import { deliveredTranscript } from "../run-harness/delivered-transcript.js";
import { POD_KILL_GRACE_MS, runRequest } from "../run-harness/run-harness.js";
import { chaosWorld, type ChaosRuntime, type WorldLeftovers } from "./chaos-worlds.js";

export type ChaosPoint = CrashPoint | "random";

/** The task: the stand-in writes an init line, one line per 100 ms tick, then its result. */
export const TASK_TICKS = 40;
const EXPECTED_LINES = TASK_TICKS + 2;
/** A random kill lands anywhere from the server's start to a little past the task's end. */
const RANDOM_KILL_MAX_MS = 7_000;
/** After the reported run: pods get their kill grace, a deleted pod's processes time to go. */
const SETTLE_MS = POD_KILL_GRACE_MS + 1_000;
/**
 * Every server runs the reconciler, as the Paperclip server does, with its grace shortened through
 * configuration (`createContainer({ reconciler: { graceMs, periodMs } })`; 10 min and 2 min by
 * default): a dead server's run directory is swept within a trial. `CHAOS_RECONCILER_GRACE_MS` sets it.
 */
const RECONCILER = { graceMs: Number(process.env.CHAOS_RECONCILER_GRACE_MS ?? 1_500), periodMs: 250 };
/** How long leftovers may take to go once B reported: the reconciler's grace and two sweeps more. */
const SWEPT_WITHIN_MS = RECONCILER.graceMs + 2 * RECONCILER.periodMs + 3_000;

export interface TrialResult {
  readonly runtime: ChaosRuntime;
  readonly point: ChaosPoint;
  /** A was killed before reporting, so the task was re-queued to B. */
  readonly requeued: boolean;
  readonly leftovers: WorldLeftovers;
  /** How many times claude was started for the task (must be 1). */
  readonly executions: number;
  /** Transcript lines never delivered to Paperclip / delivered more than once. */
  readonly lostLines: number;
  readonly duplicatedLines: number;
  /** The reported outcome is the task's (success, no failure code). */
  readonly outcomeCorrect: boolean;
  /** The reported errorCode, when the outcome was wrong. */
  readonly reportedError: string | null;
  readonly millis: number;
}

export async function runChaosTrial(
  runtime: ChaosRuntime,
  point: ChaosPoint,
  random: () => number,
): Promise<TrialResult> {
  const started = Date.now();
  const world = await chaosWorld(runtime);
  try {
    const record = `${world.dataDirectory}/instances/default/workspaces/agent-1/.claude-invocations`;
    const env = {
      CLAUDE_STAND_IN_SCENARIO: "slow",
      CLAUDE_STAND_IN_DURATION_S: String(TASK_TICKS),
      CLAUDE_STAND_IN_TICK_MS: "100",
      CLAUDE_STAND_IN_RECORD: record,
    };
    const request = (runId: string): AgentRunRequest =>
      runRequest(world.dataDirectory, env, { runId }, { podStartTimeoutSec: 10 });

    const serverA = await CrashingServer.start({
      runtime: world.runtime,
      reconciler: RECONCILER,
      request: request("run-a"),
      ...(point === "random" ? {} : { crashAt: point }),
    });
    if (point === "random") {
      const delay = Math.floor(random() * RANDOM_KILL_MAX_MS);
      await Promise.race([serverA.ended, new Promise((resolve) => setTimeout(resolve, delay))]);
      await serverA.kill();
    }
    // The report, if it reached "Paperclip" before the server died (else the task is re-queued).
    const endA = await serverA.ended;
    await serverA.kill();

    let reported = endA?.report ?? null;
    let stdout = serverA.stdout;
    let serverB: CrashingServer | undefined;
    if (reported === null) {
      serverB = await CrashingServer.start({
        runtime: world.runtime,
        reconciler: RECONCILER,
        request: request("run-b"),
      });
      const endB = await serverB.ended;
      reported = endB.report;
      stdout = serverB.stdout;
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    // B (the live server, when there is one) goes on sweeping while what is left is read.
    const leftovers = await settledLeftovers(world.leftovers.bind(world), serverB ? SWEPT_WITHIN_MS : 3_000);
    await serverB?.kill();

    const transcript = deliveredTranscript(stdout);
    const distinct = new Set(transcript.uuids).size;
    const failure = reported?.outcome.failure ?? null;
    return {
      runtime,
      point,
      requeued: serverB !== undefined,
      leftovers,
      executions: existsSync(record) ? readFileSync(record, "utf8").split("\n").filter(Boolean).length : 0,
      lostLines: Math.max(0, EXPECTED_LINES - distinct),
      duplicatedLines: transcript.uuids.length - distinct,
      outcomeCorrect: reported !== null && failure === null,
      reportedError: reported === null ? "no report" : (failure?.errorCode ?? null),
      millis: Date.now() - started,
    };
  } finally {
    await world.close();
  }
}

/**
 * What is left once it had `withinMs` to go: processes of a deleted pod need a moment to be reaped,
 * and what a dead server left is swept by the live server's reconciler after its grace.
 */
async function settledLeftovers(read: () => Promise<WorldLeftovers>, withinMs: number): Promise<WorldLeftovers> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = await read();
    const count = left.jobs.length + left.secrets.length + left.files.length + left.processes.length;
    if (count === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
