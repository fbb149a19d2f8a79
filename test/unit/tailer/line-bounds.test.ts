/**
 * maxLineBytes: a line longer than the bound is cut at a character boundary, its head delivered at
 * once with a marker, its rest counted but never held; memory never passes the bound.
 */
import { describe, expect, it } from "vitest";
import { cutLineMarker, StreamDelivery } from "../../../src/domain/tailer/stream-delivery.js";
import { Utf8LineFramer } from "../../../src/domain/tailer/utf8-line-framer.js";

const encoder = new TextEncoder();

interface Framed {
  readonly line: string;
  readonly bytes: number;
  readonly cut: boolean;
}

/** Frames `chunks` with `maxLineBytes`; returns the lines, the bytes skipped, and the largest carry held. */
function frame(chunks: readonly Uint8Array[], maxLineBytes: number) {
  const framer = new Utf8LineFramer(maxLineBytes);
  const lines: Framed[] = [];
  let skipped = 0;
  let largestCarry = 0;
  for (const chunk of chunks) {
    framer.load(chunk);
    for (let line = framer.next(); line !== null; line = framer.next()) {
      lines.push({ line, bytes: framer.lastLineBytes, cut: framer.lastLineCut });
      largestCarry = Math.max(largestCarry, framer.retainedBytes);
    }
    skipped += framer.takeSkippedBytes();
    largestCarry = Math.max(largestCarry, framer.retainedBytes, framer.heldBytes);
  }
  const last = framer.flush();
  if (last !== null) lines.push({ line: last, bytes: framer.lastLineBytes, cut: false });
  return { lines, skipped, largestCarry };
}

function chunked(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
  return chunks;
}

describe("Utf8LineFramer with maxLineBytes", () => {
  it("delivers a line of exactly maxLineBytes whole, and cuts one byte more", () => {
    const { lines } = frame([encoder.encode("abcdefgh\nabcdefghi\nok\n")], 8);
    expect(lines).toEqual([
      { line: "abcdefgh", bytes: 9, cut: false },
      { line: "abcdefgh", bytes: 8, cut: true },
      { line: "ok", bytes: 3, cut: false },
    ]);
  });

  it("hands a cut line's head out before its newline arrives (a line that never ends is still seen)", () => {
    const framer = new Utf8LineFramer(16);
    framer.load(encoder.encode("x".repeat(10)));
    expect(framer.next()).toBeNull();
    framer.load(encoder.encode("y".repeat(10)));
    expect(framer.next()).toBe(`${"x".repeat(10)}${"y".repeat(6)}`);
    expect(framer.lastLineCut).toBe(true);
    expect(framer.next()).toBeNull();
    expect(framer.takeSkippedBytes()).toBe(4);
    framer.load(encoder.encode("z".repeat(1000)));
    expect(framer.next()).toBeNull();
    expect(framer.takeSkippedBytes()).toBe(1000);
    expect(framer.heldBytes).toBe(0);
    expect(framer.flush()).toBeNull();
  });

  it("never splits a character at the cut, and accounts every byte, for every bound and every read split", () => {
    const text = 'a é ✓ 日本 😀 {"t":"𝄞 ünïcödé"} x😀y\nshort é\n\nlast 😀😀';
    const bytes = encoder.encode(text);
    const wanted = text.split("\n");
    for (let max = 4; max <= 48; max++) {
      for (let split = 0; split <= bytes.length; split++) {
        const { lines, skipped } = frame([bytes.subarray(0, split), bytes.subarray(split)], max);
        const context = `maxLineBytes ${max}, split at ${split}`;
        expect(
          lines
            .map((l) => l.line)
            .join("")
            .includes("\uFFFD"),
          context,
        ).toBe(false);
        expect(lines.length, context).toBe(wanted.length);
        lines.forEach((framed, i) => {
          const whole = wanted[i] ?? "";
          expect(whole.startsWith(framed.line), context).toBe(true);
          expect(framed.cut, context).toBe(encoder.encode(whole).length > max);
          expect(encoder.encode(framed.line).length, context).toBeLessThanOrEqual(max);
          // A cut head keeps every character that fits: with the next one it would pass the bound.
          if (framed.cut) {
            const next = String.fromCodePoint(whole.codePointAt(framed.line.length) ?? 0);
            expect(encoder.encode(framed.line + next).length, context).toBeGreaterThan(max);
          }
        });
        const delivered = lines.reduce((sum, l) => sum + l.bytes, 0);
        expect(delivered + skipped, context).toBe(bytes.length);
      }
    }
  });

  it("never holds more than maxLineBytes while a 4 MiB line without a newline streams through", () => {
    const max = 64 * 1024;
    const line = encoder.encode(`${"é✓😀x".repeat(400_000)}`);
    for (const size of [4096, 65_535, 1024 * 1024 + 1]) {
      const { lines, skipped, largestCarry } = frame(chunked(line, size), max);
      expect(lines).toHaveLength(1);
      expect(lines[0]?.cut).toBe(true);
      expect(largestCarry).toBeLessThanOrEqual(max);
      expect((lines[0]?.bytes ?? 0) + skipped).toBe(line.length);
    }
  });
});

describe("StreamDelivery of a cut line", () => {
  it("marks it visibly, flags it cut, and counts the bytes it consumed (not those it delivered)", async () => {
    const received: Array<[string, boolean]> = [];
    const delivery = new StreamDelivery("stdout", (_s, chunk, cut) => void received.push([chunk, cut]), undefined, {
      maxLineBytes: 8,
    });
    const bytes = encoder.encode("0123456789abcdef\nok\n");
    await delivery.accept(bytes);

    expect(received).toEqual([
      [`01234567${cutLineMarker(8)}\n`, true],
      ["ok\n", false],
    ]);
    expect(cutLineMarker(8)).toContain("claude-k8s: line cut at maxLineBytes (8 bytes)");
    expect(delivery.totals).toEqual({ bytes: bytes.length, lines: 2 });
  });

  it("never lets a cut stream-json event parse as JSON, wherever it is cut (even a whole event padded past the bound)", async () => {
    const event =
      '{"type":"result","subtype":"success","is_error":false,"result":"done \\"quoted\\" é 😀","n":[1,2.5,{"a":null}]}';
    const padded = `${event}${" ".repeat(64)}`;
    for (const line of [event, padded]) {
      const bytes = encoder.encode(`${line}\n`);
      for (let max = 4; max < bytes.length - 1; max++) {
        const chunks: string[] = [];
        const delivery = new StreamDelivery("stdout", (_s, chunk) => void chunks.push(chunk), undefined, {
          maxLineBytes: max,
        });
        await delivery.accept(bytes);
        expect(chunks, `cut at ${max}`).toHaveLength(1);
        expect(() => JSON.parse(chunks[0] ?? ""), `cut at ${max}: ${chunks[0]}`).toThrow();
      }
    }
  });
});
