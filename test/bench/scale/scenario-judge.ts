/** The scale bench's verdict on one scenario: every line once and whole, every run classified as its pod ended. */
import type { AdapterExecutionResult } from "@paperclipai/adapter-utils";
import { EXPECTED_FAILURE_CODE, isFailingRun } from "./bench-lines.js";
import type { ClusterClient } from "./cluster-client.js";
import type { RunLedger } from "./line-ledger.js";
import { percentile, type ProcessCost } from "./process-meter.js";
import type { ScenarioOptions, ScenarioResult } from "./scale-scenario.js";
import { runIndexOf } from "./stand-in-kubelet.js";

export interface Observations {
  readonly options: ScenarioOptions;
  readonly launch: ProcessCost;
  readonly idle: ProcessCost;
  readonly active: ProcessCost;
  readonly rssBeforeBytes: number;
  readonly requests: Readonly<Record<string, number>>;
  readonly latencies: readonly number[];
  readonly bigLatencies: readonly number[];
  readonly ledgers: ReadonlyMap<string, RunLedger>;
  readonly returned: ReadonlyMap<string, { at: number; result: AdapterExecutionResult }>;
  readonly cluster: ClusterClient;
  readonly runIds: readonly string[];
}

export function judge(o: Observations): ScenarioResult {
  let lost = 0;
  let duplicated = 0;
  let corrupt = 0;
  let misclassified = 0;
  let incomplete = 0;
  let runMs = 0;
  const endLatencies: number[] = [];
  const notes: string[] = [];
  const note = (text: string) => void (notes.length < 5 && notes.push(text));

  for (const runId of o.runIds) {
    const ended = o.cluster.ended.get(runId);
    const back = o.returned.get(runId);
    const ledger = o.ledgers.get(runId);
    if (!ended || !back || !ledger) {
      incomplete += 1;
      note(`${runId}: ${!ended ? "pod never ended" : "execute() never returned"}`);
      continue;
    }
    runMs += ended.terminatedAt - ended.runningAt;
    endLatencies.push(back.at - ended.terminatedAt);
    for (const [tally, label] of [
      [ledger.stdout.tally(ended.stdoutLines), "stdout"],
      [ledger.stderr.tally(ended.stderrLines), "stderr"],
    ] as const) {
      lost += tally.lost;
      duplicated += tally.duplicated;
      corrupt += tally.corrupt;
      if (tally.lost + tally.duplicated + tally.corrupt > 0) note(`${runId} ${label}: ${JSON.stringify(tally)}`);
    }
    const failing = isFailingRun(runIndexOf(runId));
    const { result } = back;
    const expectedCode = failing ? EXPECTED_FAILURE_CODE : null;
    const expectedExit = failing ? 1 : 0;
    if ((result.errorCode ?? null) !== expectedCode || result.exitCode !== expectedExit) {
      misclassified += 1;
      note(
        `${runId}: expected ${expectedCode ?? "success"}/exit ${expectedExit}, got ${result.errorCode ?? "success"}/exit ${result.exitCode}: ${result.errorMessage ?? ""}`,
      );
    }
  }
  return {
    runs: o.options.runs,
    mode: o.options.mode,
    launch: o.launch,
    idle: o.idle,
    active: o.active,
    rssBeforeBytes: o.rssBeforeBytes,
    requests: o.requests,
    runMinutes: runMs / 60_000,
    writeToLogMs: {
      p50: percentile(o.latencies, 50),
      p99: percentile(o.latencies, 99),
      max: percentile(o.latencies, 100),
      count: o.latencies.length,
      bigP99: percentile(o.bigLatencies, 99),
    },
    terminatedToReturnedMs: {
      p50: percentile(endLatencies, 50),
      p99: percentile(endLatencies, 99),
      max: percentile(endLatencies, 100),
    },
    lost,
    duplicated,
    corrupt,
    misclassified,
    incomplete,
    notes,
  };
}
