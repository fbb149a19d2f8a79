// A stand-in for the pod: writes a stream-json-like stdout and a stderr file in small, irregular
// pieces (splitting multi-byte characters and lines across writes), then the trailer atomically.
// Usage: node slow-writer.mjs <stdout> <stderr> <trailer> <mode>   (mode: "normal" | "truncate")
import { closeSync, fstatSync, openSync, renameSync, writeSync, writeFileSync } from "node:fs";
import { setTimeout as pause } from "node:timers/promises";

const [stdoutPath, stderrPath, trailerPath, mode] = process.argv.slice(2);
const out = openSync(stdoutPath, "w");
const err = openSync(stderrPath, "w");

const lines = [
  '{"type":"system","subtype":"init","session_id":"s-1"}',
  '{"type":"assistant","message":{"content":[{"type":"text","text":"héllo ✓ 日本 😀"}]}}',
  `{"type":"user","message":{"content":[{"type":"tool_result","content":"${"ü".repeat(600_000)}"}]}}`,
  '{"type":"result","subtype":"success","is_error":false,"result":"done 𝄞"}',
];
const bytes = Buffer.from(lines.join("\n"), "utf8"); // no newline after the last line
let seed = 7;
const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

for (let at = 0; at < bytes.length;) {
  const size = Math.min(bytes.length - at, 1 + Math.floor(next() * (next() < 0.1 ? 300_000 : 90)));
  writeSync(out, bytes, at, size);
  at += size;
  if (next() < 0.05) await pause(Math.floor(next() * 40));
  if (mode === "truncate" && at > bytes.length / 2) {
    await pause(300);
    writeFileSync(stdoutPath, "");
    await pause(300);
    process.exit(0);
  }
}
writeSync(err, "warning: first\nwarning: sécond");
await pause(50);
const trailer = { version: 1, exitCode: 0, stdoutBytes: fstatSync(out).size, stderrBytes: fstatSync(err).size };
closeSync(out);
closeSync(err);
writeFileSync(`${trailerPath}.tmp`, JSON.stringify(trailer));
renameSync(`${trailerPath}.tmp`, trailerPath);
