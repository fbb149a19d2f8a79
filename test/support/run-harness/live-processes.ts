/**
 * Which of the given process groups still have a LIVE member, read from /proc. A zombie is not
 * live: it has exited and only waits for its new parent to reap it — which on some hosts' PID 1
 * takes a second or more, long after every pod has ended.
 */
import { readdirSync, readFileSync } from "node:fs";

export function groupsWithLiveMembers(groups: readonly number[]): number[] {
  const wanted = new Set(groups);
  const live = new Set<number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(entry);
    if (stat && wanted.has(stat.pgrp) && stat.state !== "Z") live.add(stat.pgrp);
  }
  return [...live].sort((a, b) => a - b);
}

function statOf(pid: string): { state: string; pgrp: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name in parentheses may contain spaces: the fields start after the last ')'.
    const [state = "", , pgrp = ""] = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state, pgrp: Number(pgrp) };
  } catch {
    return null; // exited while we looked
  }
}

/**
 * Live (not zombie) processes whose command line names `path`: every pod process of a run on a
 * data directory does (bubblewrap binds its mounts by path), whoever started it and whoever died.
 */
export function processesNaming(path: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (commandLine.includes(path) && statOf(entry)?.state !== "Z") found.push(Number(entry));
  }
  return found;
}
