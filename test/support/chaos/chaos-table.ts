/** The chaos trials as one Markdown table: per runtime and point, trials and everything that went wrong. */
import type { TrialResult } from "./chaos-trial.js";

export interface ChaosRow {
  readonly runtime: string;
  readonly point: string;
  readonly trials: number;
  readonly requeued: number;
  readonly jobsLeft: number;
  readonly secretsLeft: number;
  readonly filesLeft: number;
  readonly processesLeft: number;
  readonly executedTwice: number;
  readonly lostLines: number;
  readonly duplicatedLines: number;
  readonly wrongOutcomes: number;
  /** The reported error codes of the wrong outcomes, with counts. */
  readonly errors: string;
}

export function chaosRows(results: readonly TrialResult[]): ChaosRow[] {
  const groups = new Map<string, TrialResult[]>();
  for (const result of results) {
    const key = `${result.runtime}\u0000${result.point}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((trials) => {
    const sum = (value: (trial: TrialResult) => number) => trials.reduce((total, trial) => total + value(trial), 0);
    const errors = new Map<string, number>();
    for (const trial of trials) {
      if (!trial.outcomeCorrect)
        errors.set(trial.reportedError ?? "?", (errors.get(trial.reportedError ?? "?") ?? 0) + 1);
    }
    return {
      runtime: trials[0]?.runtime ?? "",
      point: trials[0]?.point ?? "",
      trials: trials.length,
      requeued: sum((t) => (t.requeued ? 1 : 0)),
      jobsLeft: sum((t) => t.leftovers.jobs.length),
      secretsLeft: sum((t) => t.leftovers.secrets.length),
      filesLeft: sum((t) => t.leftovers.files.length),
      processesLeft: sum((t) => t.leftovers.processes.length),
      executedTwice: sum((t) => (t.executions > 1 ? 1 : 0)),
      lostLines: sum((t) => t.lostLines),
      duplicatedLines: sum((t) => t.duplicatedLines),
      wrongOutcomes: sum((t) => (t.outcomeCorrect ? 0 : 1)),
      errors: [...errors].map(([code, count]) => `${code}×${count}`).join(", "),
    };
  });
}

const COLUMNS: ReadonlyArray<[string, (row: ChaosRow) => string | number]> = [
  ["runtime", (r) => r.runtime],
  ["kill point", (r) => r.point],
  ["trials", (r) => r.trials],
  ["re-queued", (r) => r.requeued],
  ["Jobs left", (r) => r.jobsLeft],
  ["Secrets left", (r) => r.secretsLeft],
  ["files left", (r) => r.filesLeft],
  ["processes left", (r) => r.processesLeft],
  ["executed twice", (r) => r.executedTwice],
  ["lines lost", (r) => r.lostLines],
  ["lines duplicated", (r) => r.duplicatedLines],
  ["wrong outcomes", (r) => r.wrongOutcomes],
  ["reported instead", (r) => r.errors],
];

export function chaosTable(results: readonly TrialResult[]): string {
  const rows = chaosRows(results);
  const header = `| ${COLUMNS.map(([name]) => name).join(" | ")} |`;
  const rule = `| ${COLUMNS.map(() => "---").join(" | ")} |`;
  const lines = rows.map((row) => `| ${COLUMNS.map(([, cell]) => String(cell(row))).join(" | ")} |`);
  return [header, rule, ...lines].join("\n");
}
