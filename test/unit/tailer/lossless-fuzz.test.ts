/**
 * Fuzz: random documents written in random pieces and read with random chunk sizes and short
 * reads must come out exactly as written — no byte lost, none repeated, every character intact.
 */
import { describe, expect, it } from "vitest";
import { FileFollower } from "../../../src/domain/tailer/file-follower.js";
import { StreamDelivery } from "../../../src/domain/tailer/stream-delivery.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { TARGET, TailWorld } from "./tail-harness.js";

/** mulberry32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ["a", "{", '"', " ", "é", "ß", "✓", "日", "😀", "𝄞", "\n", "\n", "\n"];
const encoder = new TextEncoder();

function document(next: () => number): Uint8Array {
  const length = Math.floor(next() * 400);
  let text = "";
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return encoder.encode(text);
}

/** Cuts `bytes` into 1..8 pieces at random byte offsets (so characters get split). */
function pieces(bytes: Uint8Array, next: () => number): Uint8Array[] {
  const cuts = Array.from({ length: Math.floor(next() * 8) }, () => Math.floor(next() * (bytes.length + 1)));
  const sorted = [0, ...cuts.sort((a, b) => a - b), bytes.length];
  return sorted.slice(1).map((end, i) => bytes.subarray(sorted[i], end));
}

const expectedText = (bytes: Uint8Array): string => {
  const text = new TextDecoder().decode(bytes);
  return text.length === 0 || text.endsWith("\n") ? text : `${text}\n`;
};

/** `handsBackBytes`: the volume hands read bytes back (OpenFile.readBytes), as the syscall worker does. */
async function followerChunkings(iterations: number, handsBackBytes: boolean): Promise<void> {
  for (let seed = 1; seed <= iterations; seed++) {
    const next = random(seed);
    const fs = new InMemoryFileSystem();
    fs.handsBackBytes = handsBackBytes;
    fs.maxBytesPerRead = 1 + Math.floor(next() * 64);
    fs.closeToOpen = next() < 0.5;
    const received: string[] = [];
    const delivery = new StreamDelivery("stdout", (_stream, line) => void received.push(line), undefined);
    const follower = new FileFollower(fs, "/log", 1 + Math.floor(next() * 32));
    const bytes = document(next);
    fs.create("/log");
    for (const piece of pieces(bytes, next)) {
      fs.append("/log", piece);
      if (next() < 0.7) await follower.poll((chunk) => delivery.accept(chunk));
    }
    await follower.poll((chunk) => delivery.accept(chunk));
    await follower.poll((chunk) => delivery.accept(chunk));
    await delivery.flush();

    const context = `seed ${seed}`;
    expect(follower.offset, context).toBe(bytes.length);
    expect(delivery.totals.bytes, context).toBe(bytes.length);
    expect(received.join(""), context).toBe(expectedText(bytes));
  }
}

async function tailerRuns(runs: number, handsBackBytes: boolean): Promise<void> {
  for (let seed = 1; seed <= runs; seed++) {
    const next = random(seed * 7919);
    const world = new TailWorld();
    world.fs.handsBackBytes = handsBackBytes;
    world.fs.maxBytesPerRead = 1 + Math.floor(next() * 200);
    world.fs.closeToOpen = next() < 0.5;
    const out = document(next);
    const err = document(next);
    world.fs.create(TARGET.stderrPath);
    // Half the runs use an asynchronous sink, so reads ahead overlap with delivery.
    const slowSink = seed % 2 === 0;
    world.follow({ chunkBytes: 1 + Math.floor(next() * 64) }, async (stream, chunk) => {
      world.delivered.push({ stream, chunk });
      if (slowSink) await Promise.resolve();
    });
    const outPieces = pieces(out, next);
    const errPieces = pieces(err, next);
    while (outPieces.length + errPieces.length > 0) {
      const piece = outPieces.shift();
      if (piece) world.fs.append(TARGET.stdoutPath, piece);
      const errPiece = errPieces.shift();
      if (errPiece) world.fs.append(TARGET.stderrPath, errPiece);
      await world.clock.advance(Math.floor(next() * 600));
    }
    if (!world.fs.paths().includes(TARGET.stdoutPath)) world.fs.create(TARGET.stdoutPath);
    world.finish();
    const summary = await world.settle();

    const context = `seed ${seed}`;
    expect(summary.ended, context).toBe("complete");
    expect(world.lines("stdout").join(""), context).toBe(expectedText(out));
    expect(world.lines("stderr").join(""), context).toBe(expectedText(err));
    expect(summary.stdout.bytes, context).toBe(out.length);
    expect(summary.stderr.bytes, context).toBe(err.length);
  }
}

describe("lossless delivery under random chunking", () => {
  it("delivers exactly the file's bytes for 10,000 random write/read chunkings", async () => {
    await followerChunkings(10_000, false);
  });

  it("delivers exactly the file's bytes through the whole tailer for 300 random runs with trailers", async () => {
    await tailerRuns(300, false);
  });

  it("delivers exactly the file's bytes for 10,000 random chunkings when the volume hands read bytes back", async () => {
    await followerChunkings(10_000, true);
  });

  it("delivers exactly the file's bytes through the whole tailer for 300 random runs when the volume hands read bytes back", async () => {
    await tailerRuns(300, true);
  });
});
