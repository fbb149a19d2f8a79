/**
 * The reference the benchmarks compare against: the seed adapter's file tail, re-implemented from
 * its description (upstream-adapter.md §6.1) with its weaknesses kept on purpose: stat the path each
 * poll, allocate `size - offset` bytes, decode each read on its own with toString, keep every line
 * in an array, and join them all at the end. Benchmarks only; never used by the adapter.
 */
import { open, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

export interface NaiveStop {
  stopped: boolean;
}

export async function naiveSeedTail(
  path: string,
  onLog: (stream: "stdout", chunk: string) => Promise<void> | void,
  stop: NaiveStop,
): Promise<string> {
  const appearBy = Date.now() + 30_000;
  for (;;) {
    try {
      await stat(path);
      break;
    } catch {
      if (stop.stopped) throw new Error("Stop signal received before log file appeared");
      if (Date.now() >= appearBy) throw new Error(`Pod log file never appeared at ${path}`);
      await sleep(250);
    }
  }
  const handle = await open(path, "r");
  const accumulator: string[] = [];
  let offset = 0;
  let pendingLine = "";
  let idlePolls = 0;
  const emit = async (text: string) => {
    const parts = (pendingLine + text).split("\n");
    pendingLine = parts.pop() ?? "";
    for (const line of parts) {
      accumulator.push(line);
      await onLog("stdout", `${line}\n`);
    }
  };
  try {
    while (!stop.stopped) {
      const { size } = await stat(path);
      let interval = 250;
      if (size > offset) {
        const buffer = Buffer.alloc(size - offset);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        offset += bytesRead;
        idlePolls = 0;
        await emit(buffer.toString("utf-8", 0, bytesRead));
      } else {
        idlePolls += 1;
        if (idlePolls >= 5) interval = 1_000;
      }
      if (!stop.stopped) await sleep(interval);
    }
    // The seed's single-pass final drain; its unfinished last line is discarded.
    const { size } = await stat(path);
    if (offset < size) {
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      offset += bytesRead;
      await emit(buffer.toString("utf-8", 0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return accumulator.join("\n");
}
