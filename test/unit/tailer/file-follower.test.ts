import { describe, expect, it } from "vitest";
import { FileFollower } from "../../../src/domain/tailer/file-follower.js";
import type { FileSystemPort, OpenFile } from "../../../src/ports/file-system-port.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";

/** Wraps the in-memory volume and records the length of every read the follower asks for. */
function recordingReads(fs: InMemoryFileSystem): { port: FileSystemPort; lengths: number[] } {
  const lengths: number[] = [];
  const port: FileSystemPort = Object.create(fs) as FileSystemPort;
  port.open = async (path: string): Promise<OpenFile> => {
    const file = await fs.open(path);
    return {
      ...file,
      read: (buffer, offset, length, position) => (lengths.push(length), file.read(buffer, offset, length, position)),
    };
  };
  return { port, lengths };
}

const consumeAll = async () => true;

describe("FileFollower", () => {
  it("reads a quiet file in small reads and grows them up to chunkBytes only while catching up on a backlog", async () => {
    const fs = new InMemoryFileSystem();
    const { port, lengths } = recordingReads(fs);
    const follower = new FileFollower(port, "/log", 1024);
    fs.append("/log", "short\n");
    await follower.poll(consumeAll);
    expect(Math.max(...lengths)).toBe(64 + 1);

    lengths.length = 0;
    fs.append("/log", "x".repeat(10_000));
    await follower.poll(consumeAll);
    expect(lengths.slice(0, 5)).toEqual([65, 129, 257, 513, 1025]);
    expect(Math.max(...lengths)).toBe(1024 + 1);
    expect(follower.offset).toBe(10_006);
  });

  it("reads a steadily growing file in one read per poll (plus the read that finds the end), not a ladder of growing reads", async () => {
    const fs = new InMemoryFileSystem();
    const { port, lengths } = recordingReads(fs);
    const follower = new FileFollower(port, "/log", 64 * 1024);
    const line = `${"x".repeat(1999)}\n`;
    const readsPerPoll: number[] = [];
    for (let poll = 0; poll < 5; poll++) {
      fs.append("/log", line);
      lengths.length = 0;
      await follower.poll(consumeAll);
      readsPerPoll.push(lengths.length);
    }

    expect(readsPerPoll).toEqual([3, 2, 2, 2, 2]);
    expect(follower.offset).toBe(5 * 2000);
  });

  it("starts small again once a steadily growing file goes quiet", async () => {
    const fs = new InMemoryFileSystem();
    const { port, lengths } = recordingReads(fs);
    const follower = new FileFollower(port, "/log", 64 * 1024);
    fs.append("/log", `${"x".repeat(1999)}\n`);
    await follower.poll(consumeAll);
    await follower.poll(consumeAll);
    lengths.length = 0;
    await follower.poll(consumeAll);

    expect(lengths.length).toBeGreaterThan(0);
    expect(new Set(lengths)).toEqual(new Set([1024 + 1]));
  });

  it("reports a file that has not appeared as absent, and one that vanished after appearing as transient", async () => {
    const fs = new InMemoryFileSystem();
    const follower = new FileFollower(fs, "/log", 64);
    expect(await follower.poll(consumeAll)).toEqual({ kind: "absent" });
    fs.append("/log", "a\n");
    expect(await follower.poll(consumeAll)).toEqual({ kind: "read", bytes: 2 });
    fs.remove("/log");
    expect((await follower.poll(consumeAll)).kind).toBe("transient");
  });
});
