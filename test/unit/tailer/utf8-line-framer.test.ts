import { describe, expect, it } from "vitest";
import { Utf8LineFramer } from "../../../src/domain/tailer/utf8-line-framer.js";

const encoder = new TextEncoder();

/** Feeds `chunks` through a framer and returns every line (with "\n", like the sink sees) and their byte sizes. */
function frame(chunks: readonly Uint8Array[]): { lines: string[]; sizes: number[] } {
  const framer = new Utf8LineFramer();
  const lines: string[] = [];
  const sizes: number[] = [];
  for (const chunk of chunks) {
    framer.load(chunk);
    for (let line = framer.next(); line !== null; line = framer.next()) {
      lines.push(`${line}\n`);
      sizes.push(framer.lastLineBytes);
    }
  }
  const last = framer.flush();
  if (last !== null) {
    lines.push(`${last}\n`);
    sizes.push(framer.lastLineBytes);
  }
  return { lines, sizes };
}

describe("Utf8LineFramer", () => {
  // 1-byte "a", 2-byte "é", 3-byte "✓" and "日", 4-byte "😀" and "𝄞", with newlines between some.
  const text = 'a é ✓ 日本 😀\n{"t":"𝄞 ünïcödé"}\nx😀y\n\nlast é';

  it("never corrupts a character when the bytes are split at any single offset", () => {
    const bytes = encoder.encode(text);
    const expected = frame([bytes]).lines;
    expect(expected.join("")).toBe(`${text}\n`);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { lines } = frame([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(lines, `split at byte ${cut}`).toEqual(expected);
    }
  });

  it("never corrupts a character when every byte arrives in its own read", () => {
    const bytes = encoder.encode(text);
    const oneByOne = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(frame(oneByOne).lines.join("")).toBe(`${text}\n`);
  });

  it("counts each line's bytes including its newline, and the final line's without one", () => {
    const { sizes } = frame([encoder.encode("é\n😀😀\nab")]);
    expect(sizes).toEqual([3, 9, 2]);
  });

  it("keeps empty lines and carriage returns as they are", () => {
    expect(frame([encoder.encode("\n\r\nx\r\n")]).lines).toEqual(["\n", "\r\n", "x\r\n"]);
  });

  it("does not alias the caller's buffer: a reused buffer does not change a held partial line", () => {
    const framer = new Utf8LineFramer();
    const buffer = encoder.encode("held");
    framer.load(buffer);
    expect(framer.next()).toBeNull();
    buffer.fill(0x7a);
    framer.load(encoder.encode("-part\n"));
    expect(framer.next()).toBe("held-part");
  });

  it("delivers lines longer than the 64 KiB retained carry whole and uncorrupted across reads of every size", () => {
    const long = `${"😀 ü ✓ ".repeat(30_000)}end`; // about 360 KB
    const bytes = encoder.encode(`short\n${long}\n${long.slice(0, 70_000)}`);
    for (const size of [1, 3, 4096, 65_535, 65_537, 200_001, bytes.length]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.slice(at, at + size));
      const { lines, sizes } = frame(chunks);

      expect(lines).toEqual(["short\n", `${long}\n`, `${long.slice(0, 70_000)}\n`]);
      expect(sizes).toEqual([6, encoder.encode(long).length + 1, encoder.encode(long.slice(0, 70_000)).length]);
    }
  });

  it("replaces invalid UTF-8 with U+FFFD rather than failing", () => {
    expect(frame([Uint8Array.of(0x61, 0xff, 0x62, 0x0a)]).lines).toEqual(["a\uFFFDb\n"]);
  });
});
