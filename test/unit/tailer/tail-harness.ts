/** A tailer world in a few lines: in-memory volume, manual clock, and a sink that records every call. */
import {
  LogTailer,
  type FollowOptions,
  type LineSink,
  type LogStream,
  type TailSession,
} from "../../../src/domain/tailer/log-tailer.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";
import { ManualClock } from "../../fakes/manual-clock.js";

export const TARGET = {
  root: "/paperclip/run-logs",
  stdoutPath: "/paperclip/run-logs/c/a/r1.pod.ndjson",
  stderrPath: "/paperclip/run-logs/c/a/r1.pod.stderr.log",
  trailerPath: "/paperclip/run-logs/c/a/r1.pod.trailer.json",
} as const;

export interface Delivered {
  readonly stream: LogStream;
  readonly chunk: string;
}

export function trailerText(exitCode: number, stdoutBytes: number, stderrBytes: number): string {
  return JSON.stringify({ version: 1, exitCode, stdoutBytes, stderrBytes });
}

export class TailWorld {
  readonly fs = new InMemoryFileSystem();
  readonly clock = new ManualClock(0);
  readonly delivered: Delivered[] = [];
  private settled = false;
  session: TailSession | null = null;

  /** Starts following TARGET; `sink` replaces the recording sink when given. */
  follow(options: FollowOptions = {}, sink?: LineSink): TailSession {
    const tailer = new LogTailer(this.fs, this.clock);
    const recorder = sink ?? ((stream: LogStream, chunk: string) => void this.delivered.push({ stream, chunk }));
    this.session = tailer.follow(TARGET, recorder, options);
    void this.session.done.then(() => (this.settled = true));
    return this.session;
  }

  get done(): boolean {
    return this.settled;
  }

  /** Writes the trailer the way the pod does once claude has exited: counting the files' bytes now. */
  finish(exitCode = 0): void {
    const size = (path: string) => (this.fs.paths().includes(path) ? this.fs.contentOf(path).length : 0);
    this.fs.append(TARGET.trailerPath, trailerText(exitCode, size(TARGET.stdoutPath), size(TARGET.stderrPath)));
  }

  lines(stream: LogStream = "stdout"): string[] {
    return this.delivered.filter((d) => d.stream === stream).map((d) => d.chunk);
  }

  /** Runs the clock until the session settles, then returns its summary. */
  async settle() {
    await this.clock.runUntil(() => this.settled);
    if (!this.session) throw new Error("follow() was not called");
    return this.session.done;
  }
}
