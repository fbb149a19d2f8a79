/**
 * The pods' stand-in for the idle bench's active window: appends one stream-json line per run
 * every `lineMs` for `activeMs` (spread over the interval, as independent pods would), then each
 * run's ending (run-endings.ts): its last lines and, unless it was killed, its trailer (temp file +
 * rename, as the run script writes it). Prints the number of assistant lines each run got.
 */
import { closeSync, openSync, renameSync, statSync, writeFileSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { assistantLine } from "../scale/bench-lines.js";
import { SETTINGS, sessionIdOf, targetOf } from "./bench-settings.js";
import { endingOf, finalLines } from "./run-endings.js";

export async function podWriter(root: string, runs: number): Promise<void> {
  const { activeMs, lineMs, lineBytes } = SETTINGS;
  const targets = Array.from({ length: runs }, (_, i) => targetOf(root, i));
  const stdout = targets.map((t) => openSync(t.stdoutPath, "a"));
  const end = Date.now() + activeMs;
  let seq = 1;
  while (Date.now() < end) {
    const roundStart = Date.now();
    for (let i = 0; i < runs; i++) {
      writeSync(stdout[i] as number, `${assistantLine(sessionIdOf(i), seq, Date.now(), lineBytes)}\n`);
      if (i % 100 === 99) await sleep(Math.max(0, (lineMs * (i + 1)) / runs - (Date.now() - roundStart)));
    }
    seq += 1;
    await sleep(Math.max(0, lineMs - (Date.now() - roundStart)));
  }
  for (let i = 0; i < runs; i++) {
    const t = targets[i] as (typeof targets)[number];
    const plan = endingOf(i);
    const last = finalLines(plan, sessionIdOf(i), seq, Date.now());
    for (const line of last.stdout) writeSync(stdout[i] as number, line);
    closeSync(stdout[i] as number);
    if (last.stderr.length > 0) writeFileSync(t.stderrPath, last.stderr.join(""), { flag: "a" });
    if (!plan.trailer) continue;
    const trailer = JSON.stringify({
      version: 1,
      exitCode: plan.exitCode,
      stdoutBytes: statSync(t.stdoutPath).size,
      stderrBytes: statSync(t.stderrPath).size,
    });
    writeFileSync(`${t.trailerPath}.tmp`, trailer);
    renameSync(`${t.trailerPath}.tmp`, t.trailerPath);
  }
  console.log(String(seq - 1));
}
