import { describe, expect, it } from "vitest";
import { FileFollower } from "../../../src/domain/tailer/file-follower.js";
import { Utf8LineFramer } from "../../../src/domain/tailer/utf8-line-framer.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";

const encoder = new TextEncoder();

describe("a run that once had a megabyte line does not hold megabytes afterwards", () => {
  it("FileFollower lets its grown read buffers go once it has caught up, and reads small again", async () => {
    const fs = new InMemoryFileSystem();
    const follower = new FileFollower(fs, "/log", 1024 * 1024);
    fs.append("/log", "small\n");
    await follower.poll(async () => true);
    const quietSize = follower.bufferedBytes;
    let largest = 0;
    fs.append("/log", `${"x".repeat(3 * 1024 * 1024)}\n`);
    await follower.poll(async () => ((largest = Math.max(largest, follower.bufferedBytes)), true));

    expect(quietSize).toBe(64 * 1024 + 1);
    expect(largest).toBeGreaterThanOrEqual(2 * (1024 * 1024 + 1));
    expect(follower.bufferedBytes).toBe(0);
    expect(follower.offset).toBe(6 + 3 * 1024 * 1024 + 1);
    fs.append("/log", "after\n");
    const received: string[] = [];
    await follower.poll(async (chunk) => (received.push(new TextDecoder().decode(chunk)), true));
    expect(received.join("")).toContain("after\n");
    expect(follower.bufferedBytes).toBe(64 * 1024 + 1);
  });

  it("Utf8LineFramer lets a carry grown for one long line go once the line is out", () => {
    const framer = new Utf8LineFramer();
    const long = "é".repeat(300_000);
    framer.load(encoder.encode(long.slice(0, 100_000)));
    expect(framer.next()).toBeNull();
    framer.load(encoder.encode(`${long.slice(100_000)}\nnext`));
    const grown = framer.retainedBytes;

    expect(framer.next()).toBe(long);
    expect(grown).toBeGreaterThan(64 * 1024);
    expect(framer.retainedBytes).toBe(0);
    expect(framer.next()).toBeNull();
    expect(framer.flush()).toBe("next");
  });

  it("Utf8LineFramer keeps a small carry between short lines (no reallocation per line)", () => {
    const framer = new Utf8LineFramer();
    framer.load(encoder.encode("par"));
    framer.next();
    framer.load(encoder.encode("tial\n"));

    expect(framer.next()).toBe("partial");
    expect(framer.retainedBytes).toBe(4096);
  });
});
