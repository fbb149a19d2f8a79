/**
 * The worker-thread file calls on the REAL file system: what a batch is, and the watchdog and
 * cancellation the bounded file system promises (the hostile-file refusals are proven for it in
 * pod-file-attacks.test.ts, next to NodeFileSystem's).
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { FileSystemError } from "../../../src/ports/file-system-port.js";

let base: string;
let root: string;
let runDirectory: string;
let fs: SyscallWorkerFileSystem;
const scope = () => ({ under: root });

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "claude-k8s-syscall-worker-"));
  root = join(base, "run-logs");
  runDirectory = join(root, "company-1", "agent-1", "run-1");
  await mkdir(runDirectory, { recursive: true });
  fs = new SyscallWorkerFileSystem(new NodeFileSystem(), { callTimeoutMs: 300, maxInFlight: 2 });
});

afterEach(async () => {
  await fs.close();
  await rm(base, { recursive: true, force: true });
});

async function failure(action: Promise<unknown>): Promise<FileSystemError> {
  const error = await action.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileSystemError);
  return error as FileSystemError;
}

describe("SyscallWorkerFileSystem: the tail's calls as batched syscalls on a worker thread", () => {
  it("follows a growing file by offset with its identity, into a Buffer the domain sees as bytes", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, "one\n");
    const file = await fs.open(path, scope());
    const first = await file.status();
    const buffer = fs.allocateReadBuffer(64);
    expect(await file.read(buffer, 0, 64, 0)).toBe(4);
    await appendFile(path, "two\n");
    expect(await file.read(buffer, 4, 60, 4)).toBe(4);
    expect(new TextDecoder().decode(buffer.subarray(0, 8))).toBe("one\ntwo\n");
    expect((await file.status()).size).toBe(8);
    expect(buffer).toBeInstanceOf(Buffer);
    await file.close();

    const again = await fs.open(path, scope());
    expect(await again.status()).toMatchObject({ device: first.device, inode: first.inode, size: 8 });
    await again.close();
  });

  it("hands small reads back as Buffer views of the reply (nothing to lend, nothing copied), empty at the end", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, "one\ntwo\n");
    const file = await fs.open(path, scope());
    const [first, second, end] = await Promise.all([
      file.readBytes?.(5, 0),
      file.readBytes?.(64, 4),
      file.readBytes?.(64, 8),
    ]);
    await file.close();

    expect(file.handsBackUpTo).toBeGreaterThanOrEqual(4096);
    expect(new TextDecoder().decode(first)).toBe("one\nt");
    expect(new TextDecoder().decode(second)).toBe("two\n");
    expect(second).toBeInstanceOf(Buffer);
    expect(end?.length).toBe(0);
  });

  it("a missing file is ENOENT, and a trailer over its bound is refused", async () => {
    expect((await failure(fs.open(join(runDirectory, "absent"), scope()))).code).toBe("ENOENT");
    await writeFile(join(runDirectory, "trailer.json"), "x".repeat(100));
    const tooBig = await failure(fs.readSmallFile(join(runDirectory, "trailer.json"), 10, scope()));
    expect(tooBig.message).toContain("larger than 10 bytes");
    await writeFile(join(runDirectory, "small.json"), "{}");
    expect(new TextDecoder().decode(await fs.readSmallFile(join(runDirectory, "small.json"), 10, scope()))).toBe("{}");
  });

  it("calls made in one turn travel as one batch (up to 128 calls)", async () => {
    const paths = Array.from({ length: 128 }, (_, i) => join(runDirectory, `f${i}`));
    await Promise.all(paths.map((p) => writeFile(p, "x")));
    const before = fs.batchesSent;
    const files = await Promise.all(paths.map((p) => fs.open(p, scope())));
    expect(fs.batchesSent - before).toBe(1);
    await Promise.all(files.map((f) => f.close()));
    expect(fs.batchesSent - before).toBe(2);
  });

  it("the next batch goes to the worker while one runs, so the worker never waits for the main thread", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, "one\n");
    await fs.stallWorker(0); // the thread is up
    const before = fs.batchesSent;
    const stall = fs.stallWorker(150);
    await new Promise((resolve) => setImmediate(resolve));
    const opening = fs.open(path, scope());
    await new Promise((resolve) => setImmediate(resolve));
    // Sent behind the stall, not held back until it returns.
    expect(fs.batchesSent - before).toBe(2);
    await stall;
    const file = await opening;
    expect((await file.status()).size).toBe(4);
    await file.close();
  });

  it("a batch carries at most 4 MiB of reads: a small call made with catching-up reads is answered before the later ones", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, Buffer.alloc(8 * 1024 * 1024, 0x61));
    await writeFile(join(runDirectory, "stderr.log"), "err\n");
    const file = await fs.open(path, scope());
    const big = () => Buffer.from(new SharedArrayBuffer(3 * 1024 * 1024));
    const order: string[] = [];
    const before = fs.batchesSent;
    const reads = [0, 1].map((i) =>
      file.read(big(), 0, 3 * 1024 * 1024, i * 3 * 1024 * 1024).then((count) => order.push(`read ${i}: ${count}`)),
    );
    const small = fs.open(join(runDirectory, "stderr.log"), scope()).then(async (other) => {
      order.push("small");
      await other.close();
    });
    await Promise.all([...reads, small]);
    expect(fs.batchesSent - before).toBeGreaterThanOrEqual(2);
    expect(order.slice(0, 2)).toEqual(["read 0: 3145728", "small"]);
    expect(order).toContain("read 1: 3145728");
    await file.close();
  });

  it("the calls batched behind a stuck batch fail at the bound as not attempted, and the worker is usable once it returns", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, "one\n");
    await fs.stallWorker(0); // the thread is up
    const stalled = failure(fs.stallWorker(700));
    await new Promise((resolve) => setImmediate(resolve));
    const behind = failure(fs.open(path, scope()));
    const [stuck, notAttempted] = await Promise.all([stalled, behind]);
    expect(stuck.message).toContain("did not finish within 300 ms");
    expect(notAttempted.code).toBe("ETIMEDOUT");
    expect(notAttempted.message).toContain("was not attempted");
    await new Promise((resolve) => setTimeout(resolve, 700));
    const file = await fs.open(path, scope());
    expect((await file.status()).size).toBe(4);
    await file.close();
  });

  it("a stuck batch fails with ETIMEDOUT after the bound, later calls fail at once until it returns, then calls work", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, "one\n");
    const started = Date.now();
    const stalled = failure(fs.stallWorker(1_000));
    const stuck = await stalled;
    expect(stuck.code).toBe("ETIMEDOUT");
    expect(Date.now() - started).toBeLessThan(900);

    const fast = Date.now();
    const refused = await failure(fs.open(path, scope()));
    expect(refused.code).toBe("ETIMEDOUT");
    expect(refused.message).toContain("was not attempted");
    expect(Date.now() - fast).toBeLessThan(100);

    await new Promise((resolve) => setTimeout(resolve, 900));
    const file = await fs.open(path, scope());
    expect((await file.status()).size).toBe(4);
    await file.close();
  });

  it("a cancelled caller stops waiting at once, even behind a stuck call", async () => {
    const path = join(runDirectory, "stdout.ndjson");
    await writeFile(path, "one\n");
    const slow = new SyscallWorkerFileSystem(new NodeFileSystem(), { callTimeoutMs: 5_000, maxInFlight: 2 });
    try {
      const stall = slow.stallWorker(400).catch(() => undefined);
      const abort = new AbortController();
      await new Promise((resolve) => setImmediate(resolve));
      const waiting = failure(slow.open(path, { under: root, signal: abort.signal }));
      const abortedAt = Date.now();
      abort.abort();
      const error = await waiting;
      expect(error.code).toBe("ECANCELED");
      expect(Date.now() - abortedAt).toBeLessThan(100);
      await stall;
    } finally {
      await slow.close();
    }
  });
});
