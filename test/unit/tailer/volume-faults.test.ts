import { describe, expect, it } from "vitest";
import { TARGET, TailWorld } from "./tail-harness.js";

describe("LogTailer on a misbehaving shared volume", () => {
  it("reports a file truncated in place as k8s_pod_log_truncated, keeping what was delivered", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\ntwo\n");
    world.follow();
    await world.clock.advance(250);
    world.fs.truncate(TARGET.stdoutPath, 0);
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_truncated");
    expect(summary.failure?.errorMessage).toBe(
      `Pod log file ${TARGET.stdoutPath} was truncated while being read (at byte 8); output after that point cannot be trusted.`,
    );
    expect(world.lines()).toEqual(["one\n", "two\n"]);
  });

  it("reports a file replaced by another (new inode) as k8s_pod_log_truncated, never restarting from 0", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    world.follow();
    await world.clock.advance(250);
    world.fs.replace(TARGET.stdoutPath, "one\nbrand new content\n");
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_truncated");
    expect(summary.failure?.errorMessage).toContain("was replaced by another file while being read (at byte 4)");
    expect(world.lines()).toEqual(["one\n"]);
  });

  it("notices a file truncated and rewritten past the offset by the changed byte before it", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "aaaa\n");
    world.follow();
    await world.clock.advance(250);
    world.fs.truncate(TARGET.stdoutPath, 0);
    world.fs.append(TARGET.stdoutPath, "bbbbbbbbbbbb");
    const summary = await world.settle();

    expect(summary.failure?.errorMessage).toContain("was rewritten while being read (at byte 5)");
  });

  it("delivers every byte on a volume with stale sizes, late visibility and close-to-open caching", async () => {
    const world = new TailWorld();
    world.fs.closeToOpen = true;
    world.fs.maxBytesPerRead = 3;
    world.fs.append(TARGET.stdoutPath, "alpha\n");
    world.fs.create(TARGET.stderrPath);
    world.fs.freezeReportedSize(TARGET.stdoutPath);
    world.follow();
    await world.clock.advance(250);
    world.fs.holdVisibility(TARGET.stdoutPath);
    world.fs.append(TARGET.stdoutPath, "beta\ngamma\n");
    await world.clock.advance(3_000);
    expect(world.lines()).toEqual(["alpha\n"]);
    world.fs.releaseVisibility(TARGET.stdoutPath);
    world.finish();
    const summary = await world.settle();

    expect(world.lines()).toEqual(["alpha\n", "beta\n", "gamma\n"]);
    expect(summary).toMatchObject({ ended: "complete", stdout: { bytes: 17, lines: 3 } });
    expect((await world.fs.status(TARGET.stdoutPath))?.size).toBe(6);
  });

  it("retries transient ESTALE, EIO and ENOENT-after-open with backoff, losing and repeating nothing", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    world.fs.create(TARGET.stderrPath);
    world.follow();
    await world.clock.advance(250);
    world.fs.append(TARGET.stdoutPath, "two\n");
    world.fs.failNext("read", "ESTALE", { path: TARGET.stdoutPath });
    world.fs.failNext("open", "ENOENT", { path: TARGET.stdoutPath });
    world.fs.failNext("open", "EIO", { path: TARGET.stdoutPath });
    const sleepsBefore = world.clock.sleeps.length;
    await world.clock.advance(2_000);
    world.fs.append(TARGET.stdoutPath, "three\n");
    world.finish();
    const summary = await world.settle();

    expect(world.lines()).toEqual(["one\n", "two\n", "three\n"]);
    expect(summary).toMatchObject({ ended: "complete", stdout: { bytes: 14, lines: 3 } });
    expect(world.clock.sleeps.slice(sleepsBefore, sleepsBefore + 3)).toEqual([250, 500, 1_000]);
  });

  it("loses and repeats nothing when a read fails while the next chunk is being read ahead of a slow sink", async () => {
    const world = new TailWorld();
    const content = Array.from({ length: 200 }, (_, i) => `{"seq":${i},"text":"ü✓"}\n`).join("");
    world.fs.append(TARGET.stdoutPath, content);
    world.fs.create(TARGET.stderrPath);
    world.finish();
    const received: string[] = [];
    world.follow({ chunkBytes: 64 }, async (_stream, chunk) => {
      received.push(chunk);
      if (received.length % 25 === 0) world.fs.failNext("read", "EIO", { path: TARGET.stdoutPath });
      await Promise.resolve();
    });
    const summary = await world.settle();

    expect(summary.ended).toBe("complete");
    expect(received.join("")).toBe(content);
    expect(summary.stdout).toEqual({ bytes: new TextEncoder().encode(content).length, lines: 200 });
  });

  it("gives up with k8s_pod_log_read_failed after the bounded retries when EIO persists", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    world.follow({ readRetryLimit: 4 });
    await world.clock.advance(250);
    world.fs.failNext("read", "EIO", { path: TARGET.stdoutPath, times: 1_000 });
    const before = world.clock.sleeps.length;
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_read_failed");
    expect(summary.failure?.errorMessage).toContain(TARGET.stdoutPath);
    expect(summary.failure?.errorMessage).toContain("still failing after 5 consecutive attempts");
    expect(world.clock.sleeps.slice(before)).toEqual([250, 500, 1_000, 2_000]);
    expect(world.lines()).toEqual(["one\n"]);
  });

  it("retries a passing EACCES on open and read (a permission change in flight) and completes the healthy run, losing and repeating nothing", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    world.fs.create(TARGET.stderrPath);
    world.fs.failNext("open", "EACCES", { path: TARGET.stdoutPath });
    world.follow();
    await world.clock.advance(250);
    world.fs.append(TARGET.stdoutPath, "two\n");
    world.fs.failNext("read", "EACCES", { path: TARGET.stdoutPath, times: 2 });
    await world.clock.advance(2_000);
    world.fs.append(TARGET.stdoutPath, "three\n");
    world.finish();
    const summary = await world.settle();

    expect(summary.failure).toBeNull();
    expect(summary).toMatchObject({ ended: "complete", stdout: { bytes: 14, lines: 3 } });
    expect(world.lines()).toEqual(["one\n", "two\n", "three\n"]);
  });

  it("fails with k8s_pod_log_read_failed naming EACCES once the bounded retries on the clock are used up (8 retries, 250 ms doubling to 4 s)", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "one\n");
    world.fs.failNext("open", "EACCES", { path: TARGET.stdoutPath, times: 1_000 });
    world.follow();
    const summary = await world.settle();

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_read_failed");
    expect(summary.failure?.errorMessage).toContain("EACCES");
    expect(summary.failure?.errorMessage).toContain("still failing after 9 consecutive attempts");
    expect(world.clock.sleeps).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000, 4_000, 4_000]);
    expect(world.clock.now()).toBe(19_750);
  });

  it("delivers a single 50 MB line whole", async () => {
    const world = new TailWorld();
    const size = 50 * 1024 * 1024;
    const head = '{"type":"user","message":{"content":"';
    const tail = '"}}';
    const line = head + "x".repeat(size - head.length - tail.length - 1) + "é" + tail;
    world.fs.append(TARGET.stdoutPath, '{"type":"system"}\n');
    // Above the default maxLineBytes (16 MiB): an operator who expects such lines raises it.
    world.follow({ maxLineBytes: 64 * 1024 * 1024 });
    await world.clock.advance(250);
    for (let start = 0; start < line.length; start += 7 * 1024 * 1024) {
      world.fs.append(TARGET.stdoutPath, line.slice(start, start + 7 * 1024 * 1024));
      await world.clock.advance(250);
    }
    world.fs.append(TARGET.stdoutPath, '\n{"type":"result"}\n');
    world.finish();
    const summary = await world.settle();

    const lines = world.lines();
    expect(lines).toHaveLength(3);
    expect(lines[1]?.length).toBe(line.length + 1);
    expect(lines[1] === `${line}\n`).toBe(true);
    expect(summary).toMatchObject({ ended: "complete", stdout: { lines: 3 } });
    expect(summary.stdout.bytes).toBe(world.fs.contentOf(TARGET.stdoutPath).length);
  });
});
