/**
 * A quiet run's slow polls as a watch on the syscall worker (FileSystemPort.watchQuiet), on the
 * real file system: while the files stay as they were the main thread sends the worker nothing,
 * and every kind of news a quiet poll would find still reaches the tail — a new line, stderr
 * appearing, the trailer, a replaced or truncated file, the writer's end and a cancel.
 */
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { LogTailer, type TailSession, type TailTarget } from "../../../src/domain/tailer/log-tailer.js";
import { eventually } from "../../support/eventually.js";
import { tailTargetInTempDirectory } from "../../support/tail-target.js";

/** Slow after two quiet polls, and slow is 150 ms: a run is watched within half a second of going quiet. */
const CADENCE = { fastPollMs: 20, slowPollMs: 150, idlePollsBeforeSlow: 2, drainTimeoutMs: 3_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let directory: string;
let target: TailTarget;
let fileSystem: SyscallWorkerFileSystem;
let tailer: LogTailer;
let lines: string[];

beforeEach(() => {
  target = tailTargetInTempDirectory("quiet-watch-it-");
  directory = target.root;
  fileSystem = new SyscallWorkerFileSystem(new NodeFileSystem(), { callTimeoutMs: 10_000, maxInFlight: 2 });
  tailer = new LogTailer(fileSystem, new SystemClock(), CADENCE);
  lines = [];
  writeFileSync(target.stdoutPath, "one\n");
});

afterEach(async () => {
  await fileSystem.close();
  rmSync(directory, { recursive: true, force: true });
});

function follow(signal?: AbortSignal): TailSession {
  return tailer.follow(target, (stream, line) => void lines.push(`${stream}:${line.trimEnd()}`), { signal });
}

/** Waits until the run is quiet and watched: several slow intervals pass without one batch to the worker. */
async function untilWatched(): Promise<void> {
  await eventually("the run is watched (no batch for three slow intervals)", async () => {
    const before = fileSystem.batchesSent;
    await sleep(CADENCE.slowPollMs * 3);
    return fileSystem.batchesSent === before;
  });
}

function writeTrailer(stdoutBytes: number, stderrBytes: number): void {
  writeFileSync(`${target.trailerPath}.tmp`, JSON.stringify({ version: 1, exitCode: 0, stdoutBytes, stderrBytes }));
  renameSync(`${target.trailerPath}.tmp`, target.trailerPath);
}

describe("Quiet watch: a quiet run's slow polls on the syscall worker", () => {
  it("sends no batch while the files stay quiet, yet delivers the next line, stderr's first line and completes on the trailer", async () => {
    const session = follow();
    await eventually("the first line", () => lines.includes("stdout:one"));
    await untilWatched();

    appendFileSync(target.stdoutPath, "two\n");
    await eventually("the line written while watched", () => lines.includes("stdout:two"));
    await untilWatched();

    writeFileSync(target.stderrPath, "warn\n");
    await eventually("stderr's first line", () => lines.includes("stderr:warn"));
    await untilWatched();

    writeTrailer(8, 5);
    const summary = await session.done;
    expect(summary.ended).toBe("complete");
    expect(lines).toEqual(["stdout:one", "stdout:two", "stderr:warn"]);
  });

  it("a file replaced while watched ends the run as k8s_pod_log_truncated (replaced)", async () => {
    const session = follow();
    await untilWatched();
    writeFileSync(`${target.stdoutPath}.new`, "one\n");
    renameSync(`${target.stdoutPath}.new`, target.stdoutPath);
    const summary = await session.done;
    expect(summary.failure?.errorCode).toBe("k8s_pod_log_truncated");
    expect(summary.failure?.errorMessage).toContain("replaced");
  });

  it("a file truncated while watched ends the run as k8s_pod_log_truncated", async () => {
    const session = follow();
    await untilWatched();
    truncateSync(target.stdoutPath, 2);
    const summary = await session.done;
    expect(summary.failure?.errorCode).toBe("k8s_pod_log_truncated");
  });

  it("a cancel ends a watched run as cancelled, and the writer's end makes it drain", async () => {
    const cancel = new AbortController();
    const cancelled = follow(cancel.signal);
    await untilWatched();
    cancel.abort();
    expect((await cancelled.done).ended).toBe("cancelled");

    lines = [];
    const ended = follow();
    await untilWatched();
    ended.markWriterTerminated(200);
    const summary = await ended.done;
    // No trailer came within the window: the drain says so, having polled at once.
    expect(summary.ended).toBe("failed");
    expect(lines).toEqual(["stdout:one"]);
  });
});
