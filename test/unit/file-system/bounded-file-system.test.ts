/**
 * The watchdog and thread-pool shares around any FileSystemPort, over the in-memory volume with
 * calls that never settle until released. Bounds are real milliseconds (an adapter's timers).
 */
import { describe, expect, it } from "vitest";
import { BoundedFileSystem, defaultFileSystemBounds } from "../../../src/adapters/bounded-file-system.js";
import { FileSystemError, type FileSystemPort, type OpenFile } from "../../../src/ports/file-system-port.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";

const ROOT = "/run-logs";
const scope = { under: ROOT };
const BOUND_MS = 60;

async function failure(call: Promise<unknown>): Promise<FileSystemError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileSystemError);
  return error as FileSystemError;
}

/** The in-memory volume, counting calls running at once (overall and per directory) and closes. */
function countingVolume() {
  const fs = new InMemoryFileSystem();
  const stats = { running: 0, peak: 0, perDirectoryPeak: 0, closes: 0 };
  const perDirectory = new Map<string, number>();
  const track = async <T>(path: string, call: () => Promise<T>): Promise<T> => {
    const directory = path.slice(0, path.lastIndexOf("/"));
    perDirectory.set(directory, (perDirectory.get(directory) ?? 0) + 1);
    stats.running++;
    stats.peak = Math.max(stats.peak, stats.running);
    stats.perDirectoryPeak = Math.max(stats.perDirectoryPeak, perDirectory.get(directory) ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 2));
    try {
      return await call();
    } finally {
      stats.running--;
      perDirectory.set(directory, (perDirectory.get(directory) ?? 1) - 1);
    }
  };
  const port: FileSystemPort = {
    open: (path, s) =>
      track(path, async () => {
        const file = await fs.open(path, s);
        const counted: OpenFile = { ...file, close: () => (stats.closes++, file.close()) };
        return counted;
      }),
    status: (path, s) => track(path, () => fs.status(path, s)),
    readSmallFile: (path, max, s) => track(path, () => fs.readSmallFile(path, max, s)),
    writeFileAtomic: (path, data, mode, s) => track(path, () => fs.writeFileAtomic(path, data, mode, s)),
    makeDirectory: (path, mode, s) => track(path, () => fs.makeDirectory(path, mode, s)),
    unlink: (path, s) => track(path, () => fs.unlink(path, s)),
    removeDirectory: (path, s) => track(path, () => fs.removeDirectory(path, s)),
  };
  return { fs, port, stats };
}

describe("BoundedFileSystem", () => {
  it("defaults to a 10 s watchdog and half of libuv's pool (2 of 4; 8 of 16)", () => {
    expect(defaultFileSystemBounds({})).toEqual({ callTimeoutMs: 10_000, maxInFlight: 2 });
    expect(defaultFileSystemBounds({ UV_THREADPOOL_SIZE: "16" }).maxInFlight).toBe(8);
    expect(defaultFileSystemBounds({ UV_THREADPOOL_SIZE: "1" }).maxInFlight).toBe(1);
  });

  it("a call that never settles fails with ETIMEDOUT at the bound; later calls in its directory fail at once", async () => {
    const fs = new InMemoryFileSystem();
    fs.append(`${ROOT}/a/trailer.json`, "{}");
    const release = fs.stallNext("readSmallFile");
    const bounded = new BoundedFileSystem(fs, { callTimeoutMs: BOUND_MS, maxInFlight: 2 });
    const started = Date.now();
    const stuck = await failure(bounded.readSmallFile(`${ROOT}/a/trailer.json`, 100, scope));
    expect([stuck.code, stuck.message]).toEqual(["ETIMEDOUT", `did not finish within ${BOUND_MS} ms`]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(BOUND_MS - 5);

    const next = Date.now();
    const refused = await failure(bounded.open(`${ROOT}/a/stdout.ndjson`, scope));
    expect(refused.code).toBe("ETIMEDOUT");
    expect(refused.message).toContain(`an earlier call in ${ROOT}/a has not finished`);
    expect(Date.now() - next).toBeLessThan(BOUND_MS);

    // Once the stuck call returns, its directory works again.
    release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await bounded.readSmallFile(`${ROOT}/a/trailer.json`, 100, scope)).toEqual(new TextEncoder().encode("{}"));
  });

  it("cancel: the caller's signal abandons a stuck call at once with ECANCELED", async () => {
    const fs = new InMemoryFileSystem();
    fs.stallNext("open");
    const bounded = new BoundedFileSystem(fs, { callTimeoutMs: 60_000, maxInFlight: 2 });
    const controller = new AbortController();
    const call = bounded.open(`${ROOT}/a/stdout.ndjson`, { under: ROOT, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    expect((await failure(call)).code).toBe("ECANCELED");
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("a file opened after its caller left is closed, so a slow open leaks no descriptor", async () => {
    const { fs, port, stats } = countingVolume();
    fs.append(`${ROOT}/a/stdout.ndjson`, "x\n");
    const release = fs.stallNext("open");
    const bounded = new BoundedFileSystem(port, { callTimeoutMs: 30, maxInFlight: 2 });
    expect((await failure(bounded.open(`${ROOT}/a/stdout.ndjson`, scope))).code).toBe("ETIMEDOUT");
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stats.closes).toBe(1);
  });

  it("runs at most one call per directory and maxInFlight calls in all, whatever is asked at once", async () => {
    const { fs, port, stats } = countingVolume();
    const bounded = new BoundedFileSystem(port, { callTimeoutMs: 5_000, maxInFlight: 2 });
    const calls: Promise<unknown>[] = [];
    for (let run = 0; run < 6; run++) {
      fs.append(`${ROOT}/run-${run}/stdout.ndjson`, "line\n");
      for (let i = 0; i < 4; i++) calls.push(bounded.readSmallFile(`${ROOT}/run-${run}/stdout.ndjson`, 100, scope));
    }
    await Promise.all(calls);
    expect([stats.peak, stats.perDirectoryPeak]).toEqual([2, 1]);
  });

  it("attack: a hostile run's stuck calls hold one share; another run's calls go on at once", async () => {
    const fs = new InMemoryFileSystem();
    const hostile = `${ROOT}/hostile/trailer.json`;
    const release = fs.stallNext("readSmallFile", hostile);
    fs.append(`${ROOT}/benign/stdout.ndjson`, "ok\n");
    const bounded = new BoundedFileSystem(fs, { callTimeoutMs: 200, maxInFlight: 2 });
    // The hostile run keeps asking: one call runs (stuck), the others queue in its directory.
    const calls = [0, 1, 2, 3].map(() => failure(bounded.readSmallFile(hostile, 100, scope)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bounded.inFlight).toBe(1);
    const started = Date.now();
    expect(await bounded.readSmallFile(`${ROOT}/benign/stdout.ndjson`, 100, scope)).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(150);
    expect((await Promise.all(calls)).map((e) => e.code)).toEqual(Array(4).fill("ETIMEDOUT"));
    release();
  });

  it("attack: stuck calls of many runs never hold more than maxInFlight threads; the rest fail at the bound", async () => {
    const fs = new InMemoryFileSystem();
    const paths = [0, 1, 2, 3, 4].map((run) => `${ROOT}/hostile-${run}/trailer.json`);
    const releases = paths.map((path) => fs.stallNext("readSmallFile", path));
    const bounded = new BoundedFileSystem(fs, { callTimeoutMs: 100, maxInFlight: 3 });
    const calls = paths.map((path) => failure(bounded.readSmallFile(path, 100, scope)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bounded.inFlight).toBe(3);
    expect((await Promise.all(calls)).map((e) => e.code)).toEqual(Array(5).fill("ETIMEDOUT"));
    expect(bounded.inFlight).toBe(3);
    for (const release of releases) release();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(bounded.inFlight).toBe(0);
  });
});
