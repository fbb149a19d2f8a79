/**
 * The chaos suite as vitest tests, shared by CI (one trial per kill point) and the bench (the full
 * count): one test per trial, each checking nothing is left and the task ran once with every line
 * once and the right outcome; the table of all trials is printed at the end.
 */
import { afterAll, expect, it } from "vitest";
import { CRASH_POINTS, type CrashPoint } from "../crashing-server/server-protocol.js";
import { chaosTable } from "./chaos-table.js";
import { runChaosTrial, type ChaosPoint, type TrialResult } from "./chaos-trial.js";
import type { ChaosRuntime } from "./chaos-worlds.js";
import { seededRandom } from "./seeded-random.js";

export interface ChaosPlan {
  readonly runtime: ChaosRuntime;
  /** The named points to kill at; default all of them. */
  readonly points?: readonly CrashPoint[];
  /** Trials at each named point. */
  readonly perPoint: number;
  /** Trials killed at a random moment. */
  readonly random: number;
  /** Points whose trials are known to fail, with the cause (only once nothing else is possible). */
  readonly knownFailures?: Readonly<Partial<Record<ChaosPoint, string>>>;
}

const TRIAL_TIMEOUT_MS = 90_000;

export function chaosSuite(plan: ChaosPlan): void {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  const random = seededRandom(seed);
  const results: TrialResult[] = [];
  const points: ChaosPoint[] = [
    ...(plan.points ?? CRASH_POINTS).flatMap((point) => Array<ChaosPoint>(plan.perPoint).fill(point)),
    ...Array<ChaosPoint>(plan.random).fill("random"),
  ];
  afterAll(() => {
    process.stdout.write(`\nchaos on ${plan.runtime} (seed ${seed}, CHAOS_SEED to repeat):\n${chaosTable(results)}\n`);
  });
  points.forEach((point, index) => {
    const known = plan.knownFailures?.[point];
    const test = known ? it.fails : it;
    test(
      `${plan.runtime}: server SIGKILLed ${point === "random" ? "at a random moment" : `at ${point}`} (trial ${index + 1}): nothing left, the task ran once, every line once, the right outcome${known ? ` — known to fail: ${known}` : ""}`,
      async () => {
        const result = await runChaosTrial(plan.runtime, point, random);
        results.push(result);
        expect({
          leftovers: result.leftovers,
          executions: result.executions,
          lostLines: result.lostLines,
          duplicatedLines: result.duplicatedLines,
          reportedError: result.reportedError,
        }).toEqual({
          leftovers: { jobs: [], secrets: [], files: [], processes: [] },
          executions: 1,
          lostLines: 0,
          duplicatedLines: 0,
          reportedError: null,
        });
      },
      TRIAL_TIMEOUT_MS,
    );
  });
}
