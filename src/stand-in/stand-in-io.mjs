/**
 * The stand-in's output: every line written synchronously (a regular-file stdout holds each line even
 * when the process is killed right after), and the small pauses between lines.
 */
import { writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Writes every byte synchronously; retries EAGAIN (a non-blocking pipe that is full). */
export function writeAll(fd, text) {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

export const emit = (event) => writeAll(1, `${JSON.stringify(event)}\n`);
export const warn = (text) => writeAll(2, `${text}\n`);
export const emitAll = (events) => events.forEach(emit);

function delayMs() {
  const fixed = process.env.CLAUDE_STAND_IN_DELAY_MS;
  if (fixed !== undefined && fixed !== "") return Math.max(0, Number(fixed) || 0);
  return 100 + Math.floor(Math.random() * 200);
}

export const pause = () => sleep(delayMs());

export function intFromEnv(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** The first non-empty line of a text, short enough to quote. */
export const firstLine = (text) => (text.split("\n").find((line) => line.trim() !== "") ?? "").slice(0, 120);
