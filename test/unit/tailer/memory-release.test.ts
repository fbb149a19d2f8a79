import { describe, expect, it } from "vitest";
import { FileFollower } from "../../../src/domain/tailer/file-follower.js";
import { ReadBufferPool } from "../../../src/domain/tailer/read-buffer-pool.js";
import { Utf8LineFramer } from "../../../src/domain/tailer/utf8-line-framer.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";

const encoder = new TextEncoder();

describe("a quiet run holds no read buffer; a run that once had a megabyte line does not hold megabytes afterwards", () => {
  it("FileFollower holds no read buffer between polls, reads big only while catching up, and gives it all back", async () => {
    const fs = new InMemoryFileSystem();
    const pool = new ReadBufferPool();
    const follower = new FileFollower(fs, "/log", 1024 * 1024, 0, { buffers: pool });
    fs.append("/log", "small\n");
    let quietLent = 0;
    await follower.poll(async () => ((quietLent = pool.lentBytes), true));
    const quietSize = follower.bufferedBytes;
    let largest = 0;
    fs.append("/log", `${"x".repeat(3 * 1024 * 1024)}\n`);
    await follower.poll(async () => ((largest = Math.max(largest, follower.bufferedBytes)), true));

    expect(quietLent).toBe(1024 + 1);
    expect(quietSize).toBe(0);
    expect(largest).toBeGreaterThanOrEqual(2 * (1024 * 1024 + 1));
    expect(follower.bufferedBytes).toBe(0);
    expect(pool.lentBytes).toBe(0);
    expect(follower.offset).toBe(6 + 3 * 1024 * 1024 + 1);
    fs.append("/log", "after\n");
    const received: string[] = [];
    let afterLent = 0;
    await follower.poll(
      async (chunk) => (received.push(new TextDecoder().decode(chunk)), (afterLent = pool.lentBytes), true),
    );
    expect(received.join("")).toContain("after\n");
    expect(afterLent).toBe(1024 + 1);
    expect(follower.bufferedBytes).toBe(0);
  });

  it("FileFollower borrows no read buffer at all from a volume that hands read bytes back", async () => {
    const fs = new InMemoryFileSystem();
    fs.handsBackBytes = true;
    const pool = new ReadBufferPool();
    const follower = new FileFollower(fs, "/log", 1024 * 1024, 0, { buffers: pool });
    const line = `${"y".repeat(40 * 1024)}\n`;
    fs.append("/log", line);
    let lentWhileReading = 0;
    const received: string[] = [];
    await follower.poll(async (chunk) => {
      lentWhileReading = Math.max(lentWhileReading, pool.lentBytes);
      received.push(new TextDecoder().decode(chunk));
      return true;
    });

    expect(received.join("")).toBe(line);
    expect(lentWhileReading).toBe(0);
    expect(pool.idleBytes).toBe(0);
  });

  it("the shared pool keeps at most its idle bound and serves each size class again", () => {
    const pool = new ReadBufferPool((bytes) => new Uint8Array(bytes), 3 * (4096 + 1));
    const taken = Array.from({ length: 5 }, () => pool.take(4097));
    expect(pool.lentBytes).toBe(5 * 4097);
    for (const buffer of taken) pool.give(buffer);

    expect(pool.lentBytes).toBe(0);
    expect(pool.idleBytes).toBe(3 * 4097);
    expect(taken).toContain(pool.take(3000));
    expect(pool.take(5000).length).toBe(8193);
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
