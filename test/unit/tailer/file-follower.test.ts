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
