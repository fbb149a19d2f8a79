/** `./cli`: human-readable rendering of stream-json lines (used by the demo and `main.ts`). */
export { formatStreamLine, type FormatOptions } from "./format-stream-line.js";
