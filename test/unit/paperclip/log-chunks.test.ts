import { describe, expect, it } from "vitest";
import { splitLogChunk } from "../../../src/paperclip/log-chunks.js";

describe("splitLogChunk", () => {
  it("passes a chunk under the limit through untouched", () => {
    expect(splitLogChunk("short line\n", 32)).toEqual(["short line\n"]);
  });

  it("splits a long line into pieces no longer than the limit that join back exactly", () => {
    const line = `${"x".repeat(100_000)}\n`;
    const pieces = splitLogChunk(line, 32_000);
    expect(pieces.length).toBe(4);
    expect(pieces.every((p) => p.length <= 32_000)).toBe(true);
    expect(pieces.join("")).toBe(line);
  });

  it("never separates the two halves of a surrogate pair, at any cut position", () => {
    const text = `${"a".repeat(7)}😀${"b".repeat(5)}🎉🎉\n`;
    for (let limit = 2; limit <= text.length; limit++) {
      const pieces = splitLogChunk(text, limit);
      expect(pieces.join("")).toBe(text);
      for (const piece of pieces) {
        expect(piece).toBe(Buffer.from(piece, "utf8").toString("utf8"));
      }
    }
  });
});
