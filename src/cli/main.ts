/**
 * Pretty-prints a stream-json transcript from stdin, e.g.
 *   kubectl logs -f job/<name> | node dist/cli/main.js
 * Colors when stdout is a terminal and NO_COLOR is unset.
 */
import { createInterface } from "node:readline";
import { formatStreamLine } from "./format-stream-line.js";

const color = Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  const out = formatStreamLine(line, { color });
  if (out !== null) process.stdout.write(`${out}\n`);
});
