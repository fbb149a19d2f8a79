import type { CrashPoint } from "../../support/crashing-server/server-protocol.js";

/**
 * The kill points CI checks, one trial each; the bench (test/bench/chaos) runs every point and
 * random kills at the full count. before-create is the bench's alone: the run directory and prompt
 * written before the create are swept by the reconciler only after its grace (minutes), longer
 * than a CI trial waits.
 */
export const CI_POINTS: readonly CrashPoint[] = [
  "create-to-secret",
  "secret-to-resume",
  "pod-start",
  "mid-stream",
  "after-trailer",
  "during-cleanup",
];
