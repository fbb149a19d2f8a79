/**
 * One run pod of the scale bench, without a process: it does what the run script and claude do to
 * the shared volume — creates the stdout and stderr files, appends stream-json lines to them (one
 * synchronous write per line, like claude writing to a regular file), then writes the end-of-stream
 * trailer atomically (temp file + rename) and only then reports the container terminated.
 *
 * Life: Running with the init line written, idle (no writes) until `beginActive()`, then one
 * SMALL line every `lineEveryMs` and one BIG line once, for `activeMs`, then the result line.
 */
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import { podStatus, type PodStatus } from "../../support/loopback-kube-api/index.js";
import { assistantLine, initLine, isFailingRun, resultLine, stderrLine, toolResultLine } from "./bench-lines.js";

export interface WriterPlan {
  readonly activeMs: number;
  readonly lineEveryMs: number;
  readonly smallLineBytes: number;
  readonly bigLineBytes: number;
}

export interface PodFiles {
  readonly stdout: string;
  readonly stderr: string;
  readonly trailer: string;
}

/** What the driver learns about each pod (over IPC). */
export interface PodEnded {
  readonly runId: string;
  readonly runningAt: number;
  readonly terminatedAt: number;
  readonly exitCode: number;
  /** Lines written per stream: what the reader must receive, each exactly once. */
  readonly stdoutLines: number;
  readonly stderrLines: number;
}

export class StandInPod {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stdoutFd: number | null = null;
  private stderrFd: number | null = null;
  private stdoutSeq = 0;
  private stderrSeq = 0;
  private stdoutBytes = 0;
  private stderrBytes = 0;
  private startedAt = "";
  private runningAt = 0;
  private activeBegun = false;
  private dead = false;
  private readonly sessionId: string;

  constructor(
    private readonly pod: Pod,
    readonly runId: string,
    private readonly index: number,
    private readonly files: PodFiles,
    private readonly plan: WriterPlan,
    private readonly report: (status: PodStatus) => void,
    private readonly onEnded: (ended: PodEnded) => void,
  ) {
    this.sessionId = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
  }

  /** ContainerCreating now, Running with the first lines written a moment later. */
  start(onRunning: () => void): void {
    this.later(0, () => {
      this.report(podStatus.scheduledWaiting(this.pod, "ContainerCreating"));
      this.later(20, () => {
        this.stdoutFd = openSync(this.files.stdout, "w");
        this.stderrFd = openSync(this.files.stderr, "w");
        this.startedAt = podStatus.now();
        this.runningAt = Date.now();
        this.report(podStatus.running(this.pod, this.startedAt));
        this.writeStdout(initLine(this.sessionId, this.stdoutSeq, Date.now()));
        this.writeStderr(stderrLine(this.stderrSeq, Date.now()));
        onRunning();
      });
    });
  }

  get running(): boolean {
    return this.stdoutFd !== null && !this.dead;
  }

  /** Starts the steady stream at a random phase, so 500 writers do not write in lockstep. */
  beginActive(): void {
    if (this.activeBegun || this.dead) return;
    this.activeBegun = true;
    const { activeMs, lineEveryMs } = this.plan;
    const begin = Date.now() + Math.random() * lineEveryMs;
    const ticks = Math.floor(activeMs / lineEveryMs);
    // The big line replaces one small line somewhere in the middle half of the run.
    const bigTick = Math.floor(ticks * (0.25 + ((this.index * 0.618) % 1) * 0.5));
    const tick = (k: number) => {
      if (k >= ticks) return this.finish();
      const now = Date.now();
      this.writeStdout(
        k === bigTick
          ? toolResultLine(this.sessionId, this.stdoutSeq, now, this.plan.bigLineBytes)
          : assistantLine(this.sessionId, this.stdoutSeq, now, this.plan.smallLineBytes),
      );
      this.later(begin + (k + 1) * lineEveryMs - Date.now(), () => tick(k + 1));
    };
    this.later(begin - Date.now(), () => tick(0));
  }

  kill(): void {
    this.dead = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.closeFiles();
  }

  private finish(): void {
    const failed = isFailingRun(this.index);
    const exitCode = failed ? 1 : 0;
    this.writeStdout(resultLine(this.sessionId, this.stdoutSeq, Date.now(), failed ? "failed" : "success"));
    this.closeFiles();
    const trailer = JSON.stringify({
      version: 1,
      exitCode,
      stdoutBytes: this.stdoutBytes,
      stderrBytes: this.stderrBytes,
    });
    writeFileSync(`${this.files.trailer}.tmp`, trailer);
    renameSync(`${this.files.trailer}.tmp`, this.files.trailer);
    const terminatedAt = Date.now();
    this.report(podStatus.terminated(this.pod, exitCode, this.startedAt));
    this.onEnded({
      runId: this.runId,
      runningAt: this.runningAt,
      terminatedAt,
      exitCode,
      stdoutLines: this.stdoutSeq,
      stderrLines: this.stderrSeq,
    });
  }

  private writeStdout(line: string): void {
    if (this.stdoutFd === null) return;
    this.stdoutBytes += writeAll(this.stdoutFd, `${line}\n`);
    this.stdoutSeq += 1;
  }

  private writeStderr(line: string): void {
    if (this.stderrFd === null) return;
    this.stderrBytes += writeAll(this.stderrFd, `${line}\n`);
    this.stderrSeq += 1;
  }

  private closeFiles(): void {
    for (const fd of [this.stdoutFd, this.stderrFd]) if (fd !== null) closeSync(fd);
    this.stdoutFd = this.stderrFd = null;
  }

  private later(ms: number, step: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (!this.dead) step();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }
}

/** Writes the whole text (ASCII, so length = bytes); returns the byte count. */
function writeAll(fd: number, text: string): number {
  const bytes = Buffer.from(text, "latin1");
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
  return bytes.length;
}
