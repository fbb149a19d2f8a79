/**
 * Attacks a hostile pod can make on the files the server reads, writes and unlinks, each tried on
 * the REAL file system through NodeFileSystem, and again through SyscallWorkerFileSystem (the tail's
 * reads as batched syscalls on a worker thread): special files, links, and directories redirected
 * out of the run-log root. Every one is refused with a code naming what was found, at once.
 */
import { execFileSync } from "node:child_process";
import { link, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { FileSystemError, type FileSystemPort } from "../../../src/ports/file-system-port.js";

const implementations: readonly (readonly [string, () => FileSystemPort])[] = [
  ["NodeFileSystem", () => new NodeFileSystem()],
  [
    "SyscallWorkerFileSystem",
    () => new SyscallWorkerFileSystem(new NodeFileSystem(), { callTimeoutMs: 10_000, maxInFlight: 2 }),
  ],
];
let fs: FileSystemPort;
let base: string;
let root: string;
let runDirectory: string;
let outside: string;
let secret: string;
const scope = () => ({ under: root });

async function refusal(action: Promise<unknown>): Promise<FileSystemError> {
  const error = await action.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileSystemError);
  return error as FileSystemError;
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "claude-k8s-attacks-"));
  root = join(base, "run-logs");
  runDirectory = join(root, "company-1", "agent-1", "run-1");
  outside = join(base, "server-home");
  secret = join(outside, "secret.txt");
  await mkdir(runDirectory, { recursive: true });
  await mkdir(outside);
  await writeFile(secret, "DATABASE_URL=postgres://server-secret\n");
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe.each(implementations)("%s against a hostile pod's files (real file system)", (_name, make) => {
  beforeEach(() => {
    fs = make();
  });
  afterEach(async () => {
    if (fs instanceof SyscallWorkerFileSystem) await fs.close();
  });

  const trailer = () => join(runDirectory, "trailer.json");

  it("reads a regular file with one link below the root", async () => {
    await writeFile(trailer(), "{}");
    expect(new TextDecoder().decode(await fs.readSmallFile(trailer(), 100, scope()))).toBe("{}");
    const file = await fs.open(trailer(), scope());
    expect((await file.status()).size).toBe(2);
    await file.close();
  });

  it("attack: a FIFO at the path is refused at once instead of blocking open() for a writer", async () => {
    execFileSync("mkfifo", [trailer()]);
    const started = Date.now();
    const error = await refusal(fs.readSmallFile(trailer(), 100, scope()));
    expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a FIFO"]);
    expect((await refusal(fs.open(trailer(), scope()))).found).toBe("a FIFO");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("attack: a unix socket at the path is refused as a socket", async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(trailer(), resolve));
    try {
      const error = await refusal(fs.open(trailer(), scope()));
      expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a socket"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("attack: a directory at the path is refused as a directory", async () => {
    await mkdir(trailer());
    const error = await refusal(fs.readSmallFile(trailer(), 100, scope()));
    expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a directory"]);
  });

  it("attack: a symlink to /dev/zero is refused as a symlink, never read", async () => {
    await symlink("/dev/zero", trailer());
    const error = await refusal(fs.readSmallFile(trailer(), 100, scope()));
    expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a symlink"]);
  });

  it.runIf(process.getuid?.() === 0)(
    "attack: a character device node (mknod, as root) is refused as a device",
    async () => {
      execFileSync("mknod", [trailer(), "c", "1", "5"]); // the same device as /dev/zero
      const error = await refusal(fs.open(trailer(), scope()));
      expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a character device"]);
    },
  );

  it("attack: a symlink to a server file is refused as a symlink and its bytes never reach the caller", async () => {
    await symlink(secret, trailer());
    const error = await refusal(fs.readSmallFile(trailer(), 1_000, scope()));
    expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a symlink"]);
    expect(error.message).not.toContain("server-secret");
  });

  it("attack: a hard link to a server file is refused as a hard link (2 links)", async () => {
    await link(secret, trailer());
    const error = await refusal(fs.open(trailer(), scope()));
    expect([error.code, error.found]).toEqual(["ENOTREGULAR", "a hard link (2 links)"]);
  });

  describe("attack: a symlinked parent directory pointing outside the run-log root", () => {
    beforeEach(async () => {
      await rm(runDirectory, { recursive: true });
      await symlink(outside, runDirectory);
    });

    it("a read through it is refused and names the symlinked directory", async () => {
      const error = await refusal(fs.readSmallFile(join(runDirectory, "secret.txt"), 1_000, scope()));
      expect(error.code).toBe("EUNSAFEPATH");
      expect(error.found).toBe('a symlink stands where the directory "run-1" should be');
    });

    it("the server's prompt write through it is refused and nothing lands outside the root", async () => {
      const error = await refusal(fs.writeFileAtomic(join(runDirectory, "prompt.md"), "prompt", 0o640, scope()));
      expect(error.code).toBe("EUNSAFEPATH");
      expect(await readdir(outside)).toEqual(["secret.txt"]);
    });

    it("makeDirectory through it is refused and creates nothing outside the root", async () => {
      const error = await refusal(fs.makeDirectory(join(runDirectory, "nested"), 0o775, scope()));
      expect(error.code).toBe("EUNSAFEPATH");
      expect(await readdir(outside)).toEqual(["secret.txt"]);
    });

    it("cleanup's unlink through it is refused and the file outside the root survives", async () => {
      const error = await refusal(fs.unlink(join(runDirectory, "secret.txt"), scope()));
      expect(error.code).toBe("EUNSAFEPATH");
      expect(await readFile(secret, "utf8")).toContain("server-secret");
    });
  });

  it("attack: a symlinked agent directory higher in the chain is refused too", async () => {
    await rm(join(root, "company-1", "agent-1"), { recursive: true });
    await mkdir(join(outside, "run-1"));
    await symlink(outside, join(root, "company-1", "agent-1"));
    const error = await refusal(fs.makeDirectory(runDirectory, 0o775, scope()));
    expect([error.code, error.found]).toEqual([
      "EUNSAFEPATH",
      'a symlink stands where the directory "agent-1" should be',
    ]);
  });

  it("attack: a path that climbs out of the root is refused before any file is touched", async () => {
    for (const path of [
      join(root, "..", "server-home", "secret.txt"),
      secret,
      `${root}/company-1/../../server-home/secret.txt`,
    ]) {
      expect((await refusal(fs.unlink(path, scope()))).code).toBe("EUNSAFEPATH");
      expect((await refusal(fs.readSmallFile(path, 1_000, scope()))).code).toBe("EUNSAFEPATH");
    }
    expect(await readFile(secret, "utf8")).toContain("server-secret");
  });

  it("unlink removes a planted symlink itself, never its target", async () => {
    await symlink(secret, trailer());
    expect(await fs.unlink(trailer(), scope())).toBe(true);
    expect(await readFile(secret, "utf8")).toContain("server-secret");
  });

  it("the server's own writes create the chain as real directories and replace a planted FIFO atomically", async () => {
    const fresh = join(root, "company-2", "agent-2", "run-2");
    await fs.makeDirectory(fresh, 0o775, scope());
    const prompt = join(fresh, "prompt.md");
    execFileSync("mkfifo", [prompt]);
    await fs.writeFileAtomic(prompt, "the prompt", 0o640, scope());
    expect(await readFile(prompt, "utf8")).toBe("the prompt");
    expect(await fs.unlink(prompt, scope())).toBe(true);
    expect(await fs.unlink(prompt, scope())).toBe(false);
    expect(await fs.status(prompt, scope())).toBeNull();
  });
});
