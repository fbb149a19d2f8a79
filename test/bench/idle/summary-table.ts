/**
 * The idle bench's verdict on issue 16's targets, as a Markdown table to paste into the README:
 * one row per target, from the figures of this one run (ratios against the frozen tailer of the
 * same run where the target is a ratio).
 */
import { markdownTable } from "../markdown-table.js";
import type { ChildResult } from "./tail-child.js";

const KB = 1000 / 1024; // the targets say KB (1,000 bytes); the bench measures KiB

function find(results: readonly ChildResult[], runs: number, mode: ChildResult["mode"]): ChildResult | undefined {
  return results.find((r) => r.runs === runs && r.mode === mode);
}

/** Memory one more quiet run holds: the larger of held RSS's slope and the JS heap's plus external memory's. */
export function heldPerQuietRunKiB(r: ChildResult): number {
  return Math.max(r.marginalKiB.rssHeld, r.marginalKiB.heapUsed + r.marginalKiB.external);
}

export function idleRatio(results: readonly ChildResult[], r: ChildResult): string {
  const main = find(results, r.runs, "main");
  if (r.mode !== "ours" || main === undefined) return "";
  return ` (**${(main.idle.cpu / r.idle.cpu).toFixed(1)}×** less than main)`;
}

export function summaryTable(results: readonly ChildResult[]): string {
  const rows: string[][] = [];
  const met = (ok: boolean) => (ok ? "yes" : "**no**");
  const small = find(results, 500, "ours");
  const smallMain = find(results, 500, "main");
  if (small && smallMain) {
    const ratio = smallMain.idle.cpu / small.idle.cpu;
    rows.push([
      "N = 500 idle CPU, ours vs main's tailer (same run)",
      `**${ratio.toFixed(1)}× cheaper**: ${small.idle.cpu.toFixed(1)} % vs ${smallMain.idle.cpu.toFixed(1)} % of a core`,
      "≥ 3×",
      met(ratio >= 3),
    ]);
  }
  for (const r of results.filter((x) => x.mode === "ours" && x.runs >= 2000)) {
    const n = `N = ${r.runs.toLocaleString("en")}`;
    const held = heldPerQuietRunKiB(r);
    const { wakeUp, steady } = r.latency;
    rows.push(
      [
        `${n} idle CPU`,
        `${r.idle.cpu.toFixed(1)} % of a core (main thread ${r.idle.mainCpu.toFixed(1)} %)`,
        "≤ 10 %",
        met(r.idle.cpu <= 10),
      ],
      [
        `${n} memory per quiet run (marginal)`,
        `${held.toFixed(1)} KiB (RSS less heap free space ${r.marginalKiB.rssHeld.toFixed(1)}, JS heap ${r.marginalKiB.heapUsed.toFixed(1)}); ` +
          `fixed ${r.fixedRssMiB.toFixed(1)} MiB; RSS growth / N ${r.totalRssPerRunKiB.toFixed(1)} KiB`,
        "≤ 32 KB",
        met(held <= 32 * KB),
      ],
      [
        `${n} write→line p99 while active (steady lines)`,
        `${steady.p99.toFixed(0)} ms (p50 ${steady.p50.toFixed(0)})`,
        "≤ 300 ms",
        met(steady.p99 <= 300),
      ],
      [
        `${n} write→line p99 of the lines a quiet run's wake-up delivers (1 s quiet cadence)`,
        `${wakeUp.p99.toFixed(0)} ms (p50 ${wakeUp.p50.toFixed(0)})`,
        "≤ 1.1 s",
        met(wakeUp.p99 <= 1100),
      ],
    );
  }
  const ours = results.filter((r) => r.mode === "ours");
  const sum = (pick: (r: ChildResult) => number) => ours.reduce((total, r) => total + pick(r), 0);
  const bad = [
    sum((r) => r.lost),
    sum((r) => r.duplicated + r.corrupt),
    sum((r) => r.tailsEndedWrong),
    sum((r) => r.misclassified),
  ];
  rows.push([
    `lines lost / duplicated or cut / tails ended wrong / misclassified (N = ${ours.map((r) => r.runs).join(", ")})`,
    bad.join(" / "),
    "0",
    met(bad.every((n) => n === 0)),
  ]);
  return markdownTable(["result", "figure", "target", "met?"], rows);
}
