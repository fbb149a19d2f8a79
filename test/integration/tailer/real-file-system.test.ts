/**
 * The tailer on the real file system, with the writer in a separate process, as the pod is: the
 * writer's pieces, pauses and the atomic trailer are its own, and the tailer sees only the files.
 * Once over NodeFileSystem, once over SyscallWorkerFileSystem (the container's tail path).
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { SyscallWorkerFileSystem } from "../../../src/adapters/syscall-worker-file-system.js";
import { SystemClock } from "../../../src/adapters/system-clock.js";
import { LogTailer, type LogStream, type TailTarget } from "../../../src/domain/tailer/log-tailer.js";
import { cutLineMarker } from "../../../src/domain/tailer/stream-delivery.js";
import type { FileSystemPort } from "../../../src/ports/file-system-port.js";
import { tailTargetInTempDirectory } from "../../support/tail-target.js";

const WRITER = join(import.meta.dirname, "slow-writer.mjs");
const FAST = { fastPollMs: 20, slowPollMs: 100, drainTimeoutMs: 3_000, appearTimeoutMs: 5_000 };

function runWriter(target: TailTarget, mode: "normal" | "truncate"): Promise<number | null> {
  const child = spawn(process.execPath, [WRITER, target.stdoutPath, target.stderrPath, target.trailerPath, mode], {
    stdio: "ignore",
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

function expectedStdout(): string {
  const lines = [
    '{"type":"system","subtype":"init","session_id":"s-1"}',
    '{"type":"assistant","message":{"content":[{"type":"text","text":"héllo ✓ 日本 😀"}]}}',
    `{"type":"user","message":{"content":[{"type":"tool_result","content":"${"ü".repeat(600_000)}"}]}}`,
    '{"type":"result","subtype":"success","is_error":false,"result":"done 𝄞"}',
  ];
  return lines.map((line) => `${line}\n`).join("");
}

const implementations: readonly (readonly [string, () => FileSystemPort])[] = [
  ["NodeFileSystem", () => new NodeFileSystem()],
  [
    "SyscallWorkerFileSystem",
    () => new SyscallWorkerFileSystem(new NodeFileSystem(), { callTimeoutMs: 10_000, maxInFlight: 2 }),
  ],
];

describe.each(implementations)("LogTailer on the real file system (%s) with a separate writer process", (_, make) => {
  let directory = "";
  let target: TailTarget;
  let fileSystem: FileSystemPort;

  beforeEach(() => {
    fileSystem = make();
    target = tailTargetInTempDirectory("tailer-it-");
    directory = target.root;
  });
  afterEach(async () => {
    if (fileSystem instanceof SyscallWorkerFileSystem) await fileSystem.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it("delivers every line of both files exactly, UTF-8 intact, and completes on the trailer", async () => {
    const received: Record<LogStream, string[]> = { stdout: [], stderr: [] };
    const tailer = new LogTailer(fileSystem, new SystemClock(), FAST);
    const session = tailer.follow(target, (stream, chunk) => void received[stream].push(chunk));
    const writerExit = await runWriter(target, "normal");
    session.markWriterTerminated();
    const summary = await session.done;

    expect(writerExit).toBe(0);
    expect(summary.failure).toBeNull();
    expect(summary.ended).toBe("complete");
    expect(received.stdout.join("") === expectedStdout()).toBe(true);
    expect(received.stdout).toHaveLength(4);
    expect(received.stderr).toEqual(["warning: first\n", "warning: sécond\n"]);
    expect(summary.trailer?.stdoutBytes).toBe(Buffer.byteLength(expectedStdout()) - 1);
    expect(summary.stdout.bytes).toBe(summary.trailer?.stdoutBytes);
  });

  it("cuts a 1.2 MB line at maxLineBytes with its marker, keeps the other lines whole, and still completes on the trailer's count", async () => {
    const received: Array<{ chunk: string; cut: boolean }> = [];
    const tailer = new LogTailer(fileSystem, new SystemClock(), { ...FAST, maxLineBytes: 64 * 1024 });
    const session = tailer.follow(
      target,
      (stream, chunk, cut) => void (stream === "stdout" && received.push({ chunk, cut })),
    );
    await runWriter(target, "normal");
    session.markWriterTerminated();
    const summary = await session.done;

    const whole = expectedStdout().split("\n");
    const toolResult = whole[2] ?? "";
    const head = Buffer.from(toolResult)
      .subarray(0, 64 * 1024)
      .toString("utf8")
      .replace(/\uFFFD$/, "");
    expect(received.map((r) => r.cut)).toEqual([false, false, true, false]);
    expect(received[2]?.chunk).toBe(`${head}${cutLineMarker(64 * 1024)}\n`);
    expect(received[3]?.chunk).toBe(`${whole[3]}\n`);
    expect(summary.ended).toBe("complete");
    expect(summary.stdout.bytes).toBe(summary.trailer?.stdoutBytes);
  });

  it("reports k8s_pod_log_truncated when the writer truncates the file mid-stream", async () => {
    const tailer = new LogTailer(fileSystem, new SystemClock(), FAST);
    const session = tailer.follow(target, () => undefined);
    await runWriter(target, "truncate");
    session.markWriterTerminated();
    const summary = await session.done;

    expect(summary.failure?.errorCode).toBe("k8s_pod_log_truncated");
    expect(summary.failure?.errorMessage).toContain(target.stdoutPath);
  });

  it("follows a POSIX sh (dash) writer that redirects to the files and writes the trailer with mv", async () => {
    const script = [
      'out="$1"; err="$2"; trailer="$3"',
      "{",
      "  printf '%s\\n' '{\"type\":\"system\"}'",
      "  sleep 0.2",
      '  printf \'%s\' \'{"type":"result","result":"ok ✓"}\'',
      "  printf 'oops\\n' >&2",
      '} > "$out" 2> "$err"',
      "code=$?",
      'printf \'{"version":1,"exitCode":%d,"stdoutBytes":%d,"stderrBytes":%d}\' "$code" "$(wc -c < "$out")" "$(wc -c < "$err")" > "$trailer.tmp"',
      'mv "$trailer.tmp" "$trailer"',
    ].join("\n");
    const received: string[] = [];
    const tailer = new LogTailer(fileSystem, new SystemClock(), FAST);
    const session = tailer.follow(target, (stream, chunk) => void received.push(`${stream}:${chunk}`));
    const child = spawn("/bin/sh", ["-c", script, "sh", target.stdoutPath, target.stderrPath, target.trailerPath], {
      stdio: "ignore",
    });
    await new Promise((resolve) => child.on("exit", resolve));
    const summary = await session.done;

    expect(summary.ended).toBe("complete");
    expect(received.filter((r) => r.startsWith("stdout:"))).toEqual([
      'stdout:{"type":"system"}\n',
      'stdout:{"type":"result","result":"ok ✓"}\n',
    ]);
    expect(received).toContain("stderr:oops\n");
  });
});
