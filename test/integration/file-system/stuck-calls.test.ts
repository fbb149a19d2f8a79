/**
 * Calls really stuck in libuv's thread pool: an inner port that opens FIFOs the way the unhardened
 * adapter did (blocking until a writer comes) stands in for a hung volume. Behind BoundedFileSystem
 * the stuck calls end at the watchdog, a cancel returns at once, and the host's own fs calls (a
 * probe reading a small file every 100 ms) never wait on the stuck threads.
 */
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BoundedFileSystem } from "../../../src/adapters/bounded-file-system.js";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { LogTailer } from "../../../src/domain/tailer/log-tailer.js";
import type { FileSystemError, FileSystemPort } from "../../../src/ports/file-system-port.js";
import { startPoolProbe } from "../../support/probes/pool-probe.js";

const BOUND_MS = 400;
let base: string;
let fifos: string[];

/** Reads whole files with a blocking open, as the unhardened adapter did: a FIFO holds a pool thread. */
class BlockingReads extends NodeFileSystem implements FileSystemPort {
  override async readSmallFile(path: string): Promise<Uint8Array> {
    const handle = await open(path, "r");
    try {
      return new Uint8Array(await handle.readFile());
    } finally {
      await handle.close();
    }
  }
}

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), "claude-k8s-stuck-"));
  fifos = [];
  for (let run = 0; run < 4; run++) {
    await mkdir(join(base, `run-${run}`));
    const fifo = join(base, `run-${run}`, "trailer.json");
    execFileSync("mkfifo", [fifo]);
    fifos.push(fifo);
  }
  await writeFile(join(base, "probe.txt"), "probe");
});

afterEach(async () => {
  // Give every blocked open its writer, so the pool threads return before the next test.
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader left on this FIFO.
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  await rm(base, { recursive: true, force: true });
});

describe("BoundedFileSystem with calls stuck in libuv's pool (real threads)", () => {
  it("attack: four stuck reads end at the watchdog, a cancel returns at once, and the host's probe never waits 100 ms", async () => {
    const bounded = new BoundedFileSystem(new BlockingReads(), { callTimeoutMs: BOUND_MS, maxInFlight: 2 });
    const probe = startPoolProbe(join(base, "probe.txt"));
    await probe.ready;
    const scope = { under: base };
    const started = performance.now();
    const stuck = fifos.slice(0, 3).map((fifo) =>
      bounded.readSmallFile(fifo, 100, scope).then(
        () => null,
        (error: unknown) => [(error as FileSystemError).code, performance.now() - started] as const,
      ),
    );
    const controller = new AbortController();
    const cancelled = bounded.readSmallFile(fifos[3] as string, 100, { ...scope, signal: controller.signal }).then(
      () => null,
      (error: unknown) => (error as FileSystemError).code,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cancelledAt = performance.now();
    controller.abort();
    expect(await cancelled).toBe("ECANCELED");
    expect(performance.now() - cancelledAt).toBeLessThan(200);

    const outcomes = await Promise.all(stuck);
    for (const outcome of outcomes) {
      expect(outcome?.[0]).toBe("ETIMEDOUT");
      expect(outcome?.[1]).toBeLessThan(BOUND_MS + 500);
    }
    expect(bounded.inFlight).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const waits = await probe.stop();
    expect(waits.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...waits)).toBeLessThan(100);
  });

  it("attack: a tail whose trailer read is stuck ends with k8s_fs_call_stuck within the bound", async () => {
    const bounded = new BoundedFileSystem(new BlockingReads(), { callTimeoutMs: BOUND_MS, maxInFlight: 2 });
    const directory = join(base, "run-0");
    await writeFile(join(directory, "stdout.ndjson"), '{"type":"system"}\n');
    const lines: string[] = [];
    const started = performance.now();
    const session = new LogTailer(bounded, new SystemClock()).follow(
      {
        root: base,
        stdoutPath: join(directory, "stdout.ndjson"),
        stderrPath: join(directory, "stderr.log"),
        trailerPath: fifos[0] as string,
      },
      (_stream, chunk) => void lines.push(chunk),
      { fastPollMs: 20 },
    );
    const summary = await session.done;
    expect(summary.failure?.errorCode).toBe("k8s_fs_call_stuck");
    expect(summary.failure?.errorMessage).toContain(`${BOUND_MS} ms`);
    expect(performance.now() - started).toBeLessThan(BOUND_MS + 1_000);
  });
});
