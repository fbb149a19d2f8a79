import { describe, expect, it } from "vitest";
import { FileFollower } from "../../../src/domain/tailer/file-follower.js";
import type { FileSystemPort } from "../../../src/ports/file-system-port.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { LogTailer } from "../../../src/domain/tailer/log-tailer.js";
import { ManualClock } from "../../fakes/manual-clock.js";
import { TARGET, trailerText } from "./tail-harness.js";

/** Wraps a volume and counts opens per path. */
function countingOpens(fs: FileSystemPort): { port: FileSystemPort; opens: Map<string, number> } {
  const opens = new Map<string, number>();
  const port: FileSystemPort = Object.create(fs) as FileSystemPort;
  port.open = (path: string) => {
    opens.set(path, (opens.get(path) ?? 0) + 1);
    return fs.open(path);
  };
  return { port, opens };
}

const consumeAll = async () => true;

const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join("");

function followerOn(fs: InMemoryFileSystem, quietReopenMs = 1_000) {
  const { port, opens } = countingOpens(fs);
  const follower = new FileFollower(port, "/log", 1024, quietReopenMs);
  const received: Uint8Array[] = [];
  const poll = (now: number, draining = false) =>
    follower.poll(async (chunk) => (received.push(chunk.slice()), true), now, draining ? "draining" : "due");
  return { follower, poll, received, opens: () => opens.get("/log") ?? 0 };
}

describe("FileFollower re-opens of a quiet file", () => {
  it("re-opens a file that stays quiet at most once per quietReopenMs, however often it is polled", async () => {
    const fs = new InMemoryFileSystem();
    fs.create("/log");
    const world = followerOn(fs);
    for (let now = 0; now <= 3_000; now += 250) await world.poll(now);

    // Opened at 0, then re-opened at 1000, 2000 and 3000: 4 opens for 13 polls.
    expect(world.opens()).toBe(4);
  });

  it("re-opens on every quiet poll while the file grew within quietReopenMs (NFS revalidation stays prompt)", async () => {
    const fs = new InMemoryFileSystem();
    fs.append("/log", "one\n");
    const world = followerOn(fs);
    await world.poll(0);
    await world.poll(250);
    await world.poll(500);
    await world.poll(750);

    expect(world.opens()).toBe(4);
  });

  it("loses nothing between re-opens: bytes appended to a quiet file arrive at the next poll", async () => {
    const fs = new InMemoryFileSystem();
    fs.create("/log");
    const world = followerOn(fs);
    await world.poll(0);
    await world.poll(250);
    fs.append("/log", "late line\n");
    const step = await world.poll(500);

    expect(step).toEqual({ kind: "read", bytes: 10 });
    expect(text(world.received)).toBe("late line\n");
    expect(world.opens()).toBe(1);
  });

  it("with close-to-open caching, a quiet file's new bytes arrive by its next due re-open", async () => {
    const fs = new InMemoryFileSystem();
    fs.closeToOpen = true;
    fs.create("/log");
    const world = followerOn(fs);
    await world.poll(0);
    fs.append("/log", "after open\n");
    await world.poll(250);
    await world.poll(500);
    expect(text(world.received)).toBe("");
    await world.poll(1_000);

    expect(text(world.received)).toBe("after open\n");
  });

  it("re-opens on every quiet poll while draining, so the end of a run is not held back", async () => {
    const fs = new InMemoryFileSystem();
    fs.closeToOpen = true;
    fs.create("/log");
    const world = followerOn(fs);
    await world.poll(0);
    fs.append("/log", "last\n");
    await world.poll(250, true);

    expect(text(world.received)).toBe("last\n");
  });

  it("re-opens straight away after a quiet poll instead of reading the old handle first", async () => {
    const fs = new InMemoryFileSystem();
    fs.create("/log");
    const world = followerOn(fs);
    await world.poll(0);
    const readsBefore = fs.counters.reads;
    await world.poll(1_000);

    expect(world.opens()).toBe(2);
    expect(fs.counters.reads - readsBefore).toBe(1);
  });

  it("after a quiet watch's news reads the open handle first: a grown file costs no re-open", async () => {
    const fs = new InMemoryFileSystem();
    fs.create("/log");
    const { port, opens } = countingOpens(fs);
    const follower = new FileFollower(port, "/log", 1024, 1_000);
    const received: Uint8Array[] = [];
    const consume = async (chunk: Uint8Array) => (received.push(chunk.slice()), true);
    await follower.poll(consume, 0);
    fs.append("/log", "news\n");
    const step = await follower.poll(consume, 5_000, "news");

    expect(step).toEqual({ kind: "read", bytes: 5 });
    expect(text(received)).toBe("news\n");
    expect(opens.get("/log")).toBe(1);
  });

  it("after a quiet watch's news re-opens when the open handle shows nothing, so a replaced file is still caught", async () => {
    const fs = new InMemoryFileSystem();
    fs.append("/log", "old\n");
    const { port, opens } = countingOpens(fs);
    const follower = new FileFollower(port, "/log", 1024, 1_000);
    await follower.poll(consumeAll, 0);
    fs.replace("/log", "new\n");
    const step = await follower.poll(consumeAll, 5_000, "news");

    expect(step.kind === "failed" && step.failure.errorCode).toBe("k8s_pod_log_truncated");
    expect(opens.get("/log")).toBe(2);
  });

  it("with quietReopenMs 0 re-opens on every quiet poll", async () => {
    const fs = new InMemoryFileSystem();
    fs.create("/log");
    const world = followerOn(fs, 0);
    for (let now = 0; now <= 750; now += 250) await world.poll(now);

    expect(world.opens()).toBe(4);
  });
});

/** 4 s of a stdout line every 250 ms with stderr quiet, then a trailer; the opens per file and the lines delivered. */
async function busyStdoutQuietStderr(slowPollMs: number) {
  const fs = new InMemoryFileSystem();
  const clock = new ManualClock(0);
  const { port, opens } = countingOpens(fs);
  const lines: Array<[string, string]> = [];
  fs.append(TARGET.stdoutPath, "line 0\n");
  fs.create(TARGET.stderrPath);
  const session = new LogTailer(port, clock).follow(TARGET, (stream, chunk) => void lines.push([stream, chunk]), {
    fastPollMs: 250,
    slowPollMs,
  });
  let settled = false;
  void session.done.then(() => (settled = true));
  for (let i = 1; i <= 16; i++) {
    await clock.advance(250);
    fs.append(TARGET.stdoutPath, `line ${i}\n`);
  }
  fs.append(TARGET.stderrPath, "done\n");
  const size = (path: string) => fs.contentOf(path).length;
  fs.append(TARGET.trailerPath, trailerText(0, size(TARGET.stdoutPath), size(TARGET.stderrPath)));
  await clock.runUntil(() => settled);
  return {
    summary: await session.done,
    stdout: lines.filter(([stream]) => stream === "stdout").length,
    stderr: lines.filter(([stream]) => stream === "stderr").map(([, chunk]) => chunk),
    stderrOpens: opens.get(TARGET.stderrPath) ?? 0,
  };
}

describe("LogTailer with a busy stdout and a quiet stderr", () => {
  it("re-opens the quiet stderr at the slow cadence while stdout keeps the polls fast, and delivers both", async () => {
    const throttled = await busyStdoutQuietStderr(1_000);
    // With the slow cadence as fast as the fast one, every quiet poll re-opens: the old cost.
    const everyPoll = await busyStdoutQuietStderr(250);

    expect(throttled.summary.ended).toBe("complete");
    expect(throttled.stdout).toBe(17);
    expect(throttled.stderr).toEqual(["done\n"]);
    expect(throttled.stderrOpens).toBeLessThanOrEqual(7);
    expect(everyPoll.stderrOpens).toBeGreaterThanOrEqual(16);
  });
});
