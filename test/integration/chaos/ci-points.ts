import type { CrashPoint } from "../../support/crashing-server/server-protocol.js";

/**
 * The kill points CI checks, one trial each; the bench (test/bench/chaos) runs every point and
 * random kills at the full count. A point joins this list once main holds what it needs:
 *   before-create      the run directory and prompt written before the create stay until a
 *                      reconciler sweeps the run-log root (issue 14 item 4)
 *   create-to-secret,  the re-queued run waits on the suspended orphan until k8s_pod_start_timeout
 *   secret-to-resume   instead of replacing it (D1)
 *   after-trailer,     the re-queued run ignores the finished orphan and runs claude again,
 *   during-cleanup     leaving the orphan's Job, Secret and files (D2)
 */
export const CI_POINTS: readonly CrashPoint[] = ["pod-start", "mid-stream"];
