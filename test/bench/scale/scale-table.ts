/** The bench's printed figures: one summary table, one table of API requests by verb and resource, details. */
import { markdownTable } from "../markdown-table.js";
import type { ScenarioResult } from "./scale-scenario.js";

const MiB = 1024 * 1024;
const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

const totalRequests = (r: ScenarioResult) => Object.values(r.requests).reduce((sum, n) => sum + n, 0);

export function summaryTable(results: readonly ScenarioResult[]): string {
  return markdownTable(
    [
      "N",
      "mode",
      "CPU % of a core: active / idle",
      "CPU ms per run-minute",
      "RSS MB: peak (before)",
      "RSS MB per run",
      "RSS KB per quiet run",
      "API requests",
      "per run",
      "per run-minute",
      "write→onLog ms p50 / p99",
      "terminated→returned ms p50 / p99",
      "lost",
      "duplicated",
      "misclassified",
    ],
    results.map((r) => {
      const total = totalRequests(r);
      return [
        String(r.runs),
        r.mode === "main" ? "main (tailer before #16)" : r.mode,
        `${fixed(r.active.cpuPercent, 1)} / ${fixed(r.idle.cpuPercent, 1)}`,
        fixed(r.active.cpuMs / Math.max(r.runMinutes, 1e-9), 1),
        `${fixed(r.active.peakRssBytes / MiB)} (${fixed(r.rssBeforeBytes / MiB)})`,
        fixed((r.active.peakRssBytes - r.rssBeforeBytes) / MiB / r.runs, 2),
        fixed((r.idle.peakRssBytes - r.rssBeforeBytes) / 1024 / r.runs),
        String(total),
        fixed(total / r.runs, 1),
        fixed(total / Math.max(r.runMinutes, 1e-9), 2),
        `${fixed(r.writeToLogMs.p50)} / ${fixed(r.writeToLogMs.p99)}`,
        `${fixed(r.terminatedToReturnedMs.p50)} / ${fixed(r.terminatedToReturnedMs.p99)}`,
        String(r.lost + r.corrupt),
        String(r.duplicated),
        String(r.misclassified + r.incomplete),
      ];
    }),
  );
}

export function requestsTable(results: readonly ScenarioResult[]): string {
  const keys = [...new Set(results.flatMap((r) => Object.keys(r.requests)))].sort();
  return markdownTable(
    ["verb resource", ...results.map((r) => `N=${r.runs} ${r.mode}: total (per run)`)],
    keys.map((key) => [
      key,
      ...results.map((r) => {
        const count = r.requests[key] ?? 0;
        return `${count} (${fixed(count / r.runs, 2)})`;
      }),
    ]),
  );
}

export function details(r: ScenarioResult): string {
  const lines = [
    `N=${r.runs} ${r.mode}: launch ${fixed(r.launch.wallMs / 1000, 1)} s (CPU ${fixed(r.launch.cpuMs)} ms); ` +
      `idle ${fixed(r.idle.wallMs / 1000, 1)} s at ${fixed(r.idle.cpuPercent, 2)} % CPU, ELU ${fixed(r.idle.eventLoopUtilization, 3)}; ` +
      `active ${fixed(r.active.wallMs / 1000, 1)} s at ${fixed(r.active.cpuPercent, 1)} % CPU, ELU ${fixed(r.active.eventLoopUtilization, 3)}, ` +
      `peak heap ${fixed(r.active.peakHeapBytes / MiB)} MB, array buffers at the RSS peak ${fixed(r.active.arrayBuffersAtPeakBytes / MiB)} MB; run-minutes ${fixed(r.runMinutes, 1)}; ` +
      `lines timed ${r.writeToLogMs.count}, write→onLog max ${fixed(r.writeToLogMs.max)} ms (1 MB lines p99 ${fixed(r.writeToLogMs.bigP99)} ms), ` +
      `terminated→returned max ${fixed(r.terminatedToReturnedMs.max)} ms; cut lines ${r.corrupt}, incomplete runs ${r.incomplete}`,
    ...r.notes.map((n) => `  ${n}`),
  ];
  return lines.join("\n");
}
