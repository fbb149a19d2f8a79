/**
 * How fast the platform frames and decodes UTF-8, independent of the tailer: the ceiling behind the
 * LogTailer's throughput on stream-json, and what the byte type of the read buffer costs.
 *
 *   npx esbuild test/bench/tailer/decode-limits-bench.ts --bundle --platform=node --format=esm \
 *     --outfile=/tmp/decode-limits/bench.mjs && node /tmp/decode-limits/bench.mjs
 *
 * In memory (no I/O, no sink), on the bytes as a `Buffer` (what NodeFileSystem's read buffers are, so
 * the newline search is Buffer#indexOf, native): framing alone, framing alone on a plain Uint8Array
 * (V8's element loop, what the tailer's buffers were before), one TextDecoder call per line (what the
 * tailer does), one call per 1 MiB chunk then splitting the string, and Buffer#toString per 1 MiB
 * (what the seed does, minus its copies). The tailer cannot beat the fastest of these.
 * Env: BENCH_DIR (default /tmp/decode-limits-<pid>), BENCH_MIB (64, per decode fixture).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeStreamJsonFile } from "./stream-json-fixture.js";

const MiB = 1024 * 1024;
const DIR = process.env.BENCH_DIR ?? `/tmp/decode-limits-${process.pid}`;
const FIXTURE_MIB = Number(process.env.BENCH_MIB ?? 64);

type Decoding = (bytes: Uint8Array) => number;

const decoder = new TextDecoder();

/** Each returns a checksum of what it produced so no work can be optimised away. */
const decodings: Record<string, Decoding> = {
  "framing only (Buffer#indexOf)": (bytes) => forEachLine(bytes, (start, end) => end - start),
  "framing only (Uint8Array#indexOf)": (bytes) =>
    forEachLine(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), (start, end) => end - start),
  "TextDecoder per line": (bytes) =>
    forEachLine(bytes, (start, end) => `${decoder.decode(bytes.subarray(start, end))}\n`.length),
  "TextDecoder per 1 MiB, then split": (bytes) => perChunk(bytes, (chunk) => splitLines(decoder.decode(chunk))),
  "Buffer#toString per 1 MiB": (bytes) =>
    perChunk(bytes, (chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("utf8").length),
};

function forEachLine(bytes: Uint8Array, onLine: (start: number, end: number) => number): number {
  let sum = 0;
  for (let start = 0; ;) {
    const newline = bytes.indexOf(0x0a, start);
    if (newline < 0) return sum;
    sum += onLine(start, newline);
    start = newline + 1;
  }
}

/** Whole 1 MiB chunks cut after their last newline, as a reader would hand them over. */
function perChunk(bytes: Uint8Array, onChunk: (chunk: Uint8Array) => number): number {
  let sum = 0;
  for (let start = 0; start < bytes.length;) {
    const window = bytes.subarray(start, start + MiB);
    const end = window.length < MiB ? window.length : window.lastIndexOf(0x0a) + 1 || window.length;
    sum += onChunk(window.subarray(0, end));
    start += end;
  }
  return sum;
}

function splitLines(text: string): number {
  let sum = 0;
  for (let start = 0; ;) {
    const newline = text.indexOf("\n", start);
    if (newline < 0) return sum;
    sum += text.slice(start, newline + 1).length;
    start = newline + 1;
  }
}

function decodeSpeeds(mix: "typical" | "unicode-dense"): void {
  const path = join(DIR, `${mix}.ndjson`);
  writeStreamJsonFile(path, { bytes: FIXTURE_MIB * MiB, mix });
  // A Buffer of its own memory (not a view into Node's pool), as a read buffer is.
  const bytes = Buffer.from(readFileSync(path));
  rmSync(path);
  for (const [name, decode] of Object.entries(decodings)) {
    decode(bytes); // warm-up
    const started = performance.now();
    const runs = 3;
    for (let i = 0; i < runs; i++) decode(bytes);
    const seconds = (performance.now() - started) / 1000 / runs;
    console.log(`| ${mix} | ${name} | ${(bytes.length / MiB / seconds).toFixed(0)} MiB/s |`);
  }
}

function main(): void {
  mkdirSync(DIR, { recursive: true });
  try {
    console.log(
      `node ${process.version}; ${FIXTURE_MIB} MiB fixtures\n\n| fixture | decoding | speed |\n| --- | --- | --- |`,
    );
    decodeSpeeds("typical");
    decodeSpeeds("unicode-dense");
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
}

main();
