import { CRASH_POINTS, type CrashPoint } from "../../support/crashing-server/server-protocol.js";

/**
 * The kill points CI checks, one trial each: every named point. before-create leaves the run
 * directory and prompt of a run that never got a Job; the live server's reconciler sweeps them once
 * its grace (shortened for the trials, see chaos-trial.ts) has passed. The bench
 * (test/bench/chaos) adds random kills and runs the full count.
 */
export const CI_POINTS: readonly CrashPoint[] = CRASH_POINTS;
