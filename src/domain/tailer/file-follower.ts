/**
 * Follows one file another node is appending to, over FileSystemPort only.
 *
 * Reads from its byte offset until a read returns 0 (never trusting a size: a read may come back
 * short before the end), into buffers lent by a shared pool for the length of one poll (a quiet file
 * holds none between polls), or, when the file system hands read bytes back, into none at all. The
 * first read of every poll starts one byte early: that byte must still be there and unchanged, or
 * the file shrank or was rewritten under us. When a poll finds nothing new it re-opens the file by
 * path, which makes NFS revalidate (close-to-open), and checks the file's identity: a new
 * device/inode means it was replaced. Errors are classified for the caller; transient ones leave the
 * offset untouched, so a retry neither loses nor repeats a byte.
 *
 * Re-opening costs three calls (close, open, fstat), so with `quietReopenMs` set a file that has
 * not grown for that long is re-opened at most that often: a run's quiet stderr no longer costs a
 * re-open on every fast poll its busy stdout causes. A file that grew more recently, or one being
 * drained, is re-opened on every quiet poll as before. After a quiet poll the next re-open goes
 * first, skipping a read of the old handle that cannot show more than the fresh one; after a quiet
 * watch's news the handle is read first (the watch has just re-opened the file by name).
 */
import { runFailure, type RunFailure } from "../errors.js";
import { fileSystemRefusal, isCancelledCall } from "../file-system-failure.js";
import {
  FileSystemError,
  type FileIdentity,
  type FileSystemPort,
  type OpenFile,
  type PathScope,
  type QuietFile,
} from "../../ports/file-system-port.js";
import { ReadBufferPool } from "./read-buffer-pool.js";
import { isTransientReadError } from "./transient-read-errors.js";

export type FollowStep =
  /** The file has not appeared yet (it was never opened). */
  | { readonly kind: "absent" }
  /** `bytes` new bytes were read and accepted this poll; 0 means nothing new, even after re-opening. */
  | { readonly kind: "read"; readonly bytes: number }
  /** The consumer asked to stop (cancelled, or its sink failed). */
  | { readonly kind: "stopped" }
  /** A failure worth retrying (transient-read-errors.ts); nothing was lost. */
  | { readonly kind: "transient"; readonly detail: string }
  | { readonly kind: "failed"; readonly failure: RunFailure };

/** Why a poll runs: its turn came, the writer is done (`draining`), or a quiet watch saw a change (`news`). */
export type PollOccasion = "due" | "draining" | "news";

/** Takes each chunk read; false asks the follower to stop. */
export type ChunkConsumer = (chunk: Uint8Array) => Promise<boolean>;

type ReadResult =
  { readonly buffer: Uint8Array; readonly count: number; readonly requested: number } | { readonly error: unknown };

/** A quiet poll reads at most this much first: most polls find nothing or one line. */
const QUIET_READ_BYTES = 1024;
/**
 * A poll that found at most this much was a stream's steady pace, not a backlog: the next poll's
 * first read is sized for twice as much, so a busy stream costs one read per poll, not a ladder of
 * doubling reads. More than this was a catch-up, after which reads start small again.
 */
const STEADY_POLL_BYTES = 8 * 1024;

export interface FollowerOptions {
  /** Confines every open to the run-log root. */
  readonly scope?: PathScope;
  /** Where read buffers come from; by default a pool of this follower's own. */
  readonly buffers?: ReadBufferPool;
}

export class FileFollower {
  /** The read buffers lent for the poll in progress (one extra byte each for the verifying overlap). */
  private readonly lent: (Uint8Array | undefined)[] = [undefined, undefined];
  private readonly pool: ReadBufferPool;
  private readonly scope: PathScope | undefined;
  /** Bytes per read: starts small (most streams are quiet) and doubles up to `chunkBytes` on a backlog. */
  private readSize: number;
  private readonly initialReadSize: number;
  private file: OpenFile | null = null;
  private identity: FileIdentity | null = null;
  private position = 0;
  /** The byte just before `position`, to notice a file rewritten in place. */
  private lastByte = -1;
  /** Monotonic clock times (caller's `now`) of the last growth and the last open; the last poll found nothing. */
  private grewAt = Number.NEGATIVE_INFINITY;
  private openedAt = Number.NEGATIVE_INFINITY;
  private lastPollQuiet = false;

  /** `quietReopenMs` 0 re-opens on every quiet poll. */
  constructor(
    private readonly fileSystem: FileSystemPort,
    readonly path: string,
    private readonly chunkBytes: number,
    private readonly quietReopenMs = 0,
    options: FollowerOptions = {},
  ) {
    this.scope = options.scope;
    this.pool =
      options.buffers ?? new ReadBufferPool((bytes) => fileSystem.allocateReadBuffer?.(bytes) ?? new Uint8Array(bytes));
    this.readSize = this.initialReadSize = Math.max(1, Math.min(QUIET_READ_BYTES, Math.floor(chunkBytes / 16)));
  }

  /** Bytes read from the file so far. */
  get offset(): number {
    return this.position;
  }

  /** Whether the file has been seen at all. */
  get appeared(): boolean {
    return this.identity !== null;
  }

  /**
   * How a quiet watch must find the file for the next poll to have nothing to do: open and as the
   * last (quiet) poll left it, or not there yet. Null in any other state: the next poll must run.
   */
  get quietState(): QuietFile | null {
    if (this.identity === null) {
      return this.file === null ? { path: this.path, identity: null, offset: 0, lastByte: -1 } : null;
    }
    if (this.file === null || !this.lastPollQuiet) return null;
    return { path: this.path, identity: this.identity, offset: this.position, lastByte: this.lastByte };
  }

  /**
   * One poll: read everything new; if nothing, re-open by path, check identity, and read again.
   * `now` is the caller's clock. `draining` re-opens on every quiet poll whatever `quietReopenMs`
   * says; `news` follows a quiet watch that found a change, so the open handle is read first (the
   * watch re-opened the files by name, so NFS has revalidated them) and starts with a larger read.
   */
  async poll(consume: ChunkConsumer, now = 0, occasion: PollOccasion = "due"): Promise<FollowStep> {
    const reopenDue = occasion === "draining" || this.reopenDue(now);
    if (occasion === "news") this.readSize = Math.max(this.readSize, Math.min(STEADY_POLL_BYTES, this.chunkBytes));
    let step: FollowStep;
    try {
      if (this.file === null) {
        step = (await this.open(now)) ?? (await this.readToEnd(consume));
      } else if (this.lastPollQuiet && reopenDue && occasion !== "news") {
        step = await this.reopenAndRead(consume, now);
      } else {
        step = await this.readToEnd(consume);
        if (step.kind === "read" && step.bytes === 0 && reopenDue) step = await this.reopenAndRead(consume, now);
      }
    } catch (error) {
      await this.closeQuietly();
      step = this.classify(error);
    }
    if (step.kind === "read") {
      this.lastPollQuiet = step.bytes === 0;
      if (step.bytes > 0) this.grewAt = now;
    }
    this.sizeFirstRead(step.kind === "read" ? step.bytes : 0);
    return step;
  }

  async close(): Promise<void> {
    await this.closeQuietly();
  }

  /** A quiet file is re-opened when it grew recently, or when its last open is `quietReopenMs` old. */
  private reopenDue(now: number): boolean {
    return (
      this.quietReopenMs <= 0 || now - this.grewAt < this.quietReopenMs || now - this.openedAt >= this.quietReopenMs
    );
  }

  private async reopenAndRead(consume: ChunkConsumer, now: number): Promise<FollowStep> {
    await this.closeQuietly();
    return (await this.open(now)) ?? (await this.readToEnd(consume));
  }

  /** Opens by path and checks it is still the same file; a step when the follow cannot go on. */
  private async open(now: number): Promise<FollowStep | null> {
    let file: OpenFile;
    try {
      file = await this.fileSystem.open(this.path, this.scope);
    } catch (error) {
      if (error instanceof FileSystemError && error.code === "ENOENT" && this.identity === null) {
        return { kind: "absent" };
      }
      throw error;
    }
    this.file = file;
    this.openedAt = now;
    const status = await file.status();
    if (this.identity === null) {
      this.identity = { device: status.device, inode: status.inode };
    } else if (status.device !== this.identity.device || status.inode !== this.identity.inode) {
      return this.truncated("replaced by another file");
    }
    return null;
  }

  /**
   * Reads until a read returns 0. A read that fills its buffer means a backlog: the next chunk is
   * then read into the other buffer while the sink takes this one, and reads grow (up to
   * `chunkBytes`), so catching up is fast while quiet streams keep small buffers.
   */
  private async readToEnd(consume: ChunkConsumer): Promise<FollowStep> {
    const file = this.file;
    if (file === null) return { kind: "read", bytes: 0 };
    let total = 0;
    let verify = this.position > 0;
    let current = 0;
    let next = this.readInto(file, current, verify ? this.position - 1 : this.position);
    let inFlight: Promise<ReadResult> | null = next;
    try {
      for (;;) {
        const result = await next;
        inFlight = null;
        if ("error" in result) throw result.error;
        const { buffer, count, requested } = result;
        let skip = 0;
        if (verify) {
          verify = false;
          if (count === 0) return this.truncated("truncated");
          if (buffer[0] !== this.lastByte) return this.truncated("rewritten");
          skip = 1;
        } else if (count === 0) {
          return { kind: "read", bytes: total };
        }
        if (count > skip) {
          this.position += count - skip;
          this.lastByte = buffer[count - 1] ?? -1;
          total += count - skip;
        }
        // A full read means a backlog: read the next chunk into the other buffer meanwhile.
        const backlog = count === requested;
        if (backlog) {
          this.readSize = Math.min(this.readSize * 2, this.chunkBytes);
          current = 1 - current;
          next = inFlight = this.readInto(file, current, this.position);
        }
        if (count > skip && !(await consume(buffer.subarray(skip, count)))) return { kind: "stopped" };
        if (!backlog) next = inFlight = this.readInto(file, current, this.position);
      }
    } finally {
      // Never leave a read in flight on a handle the caller may close next, nor a buffer lent.
      if (inFlight !== null) await inFlight;
      this.giveBack();
    }
  }

  /** Bytes of read buffers this follower holds now (none between polls). */
  get bufferedBytes(): number {
    return (this.lent[0]?.length ?? 0) + (this.lent[1]?.length ?? 0);
  }

  /** The next poll's first read: sized for a steady stream's pace, small after a quiet poll or a catch-up. */
  private sizeFirstRead(polledBytes: number): void {
    let size = this.initialReadSize;
    if (polledBytes > 0 && polledBytes <= STEADY_POLL_BYTES) {
      while (size < 2 * polledBytes) size *= 2;
    }
    this.readSize = Math.min(size, this.chunkBytes);
  }

  private giveBack(): void {
    for (const index of [0, 1]) {
      const buffer = this.lent[index];
      if (buffer === undefined) continue;
      this.lent[index] = undefined;
      this.pool.give(buffer);
    }
  }

  /**
   * Starts a read into buffer `index` or, when the file system hands bytes back, of bytes that are
   * then the follower's without a buffer lent while the read waits; settles with the outcome, never
   * rejects (it may not be awaited for a while).
   */
  private readInto(file: OpenFile, index: number, position: number): Promise<ReadResult> {
    const length = this.readSize + 1;
    if (file.readBytes !== undefined && length <= (file.handsBackUpTo ?? 0)) {
      return file.readBytes(length, position).then(
        (bytes) => ({ buffer: bytes, count: Math.min(bytes.length, length), requested: length }),
        (error: unknown) => ({ error }),
      );
    }
    let buffer = this.lent[index];
    if (buffer === undefined || buffer.length < length) {
      if (buffer !== undefined) this.pool.give(buffer);
      buffer = this.lent[index] = this.pool.take(length);
    }
    const into = buffer;
    return file.read(into, 0, length, position).then(
      (count) => ({ buffer: into, count, requested: length }),
      (error: unknown) => ({ error }),
    );
  }

  private truncated(how: string): FollowStep {
    return {
      kind: "failed",
      failure: runFailure("k8s_pod_log_truncated", { path: this.path, how, offset: this.position }),
    };
  }

  private classify(error: unknown): FollowStep {
    if (isCancelledCall(error)) return { kind: "stopped" };
    // A FIFO, socket, link or redirected directory at the path, or a call that never settled: the run ends.
    const refusal = fileSystemRefusal(error, "read");
    if (refusal !== null) return { kind: "failed", failure: refusal };
    if (isTransientReadError(error)) {
      return { kind: "transient", detail: `${error.code}: ${error.message}` };
    }
    const detail = error instanceof FileSystemError ? `${error.code}: ${error.message}` : describe(error);
    return { kind: "failed", failure: runFailure("k8s_pod_log_read_failed", { path: this.path, detail }) };
  }

  private async closeQuietly(): Promise<void> {
    const file = this.file;
    this.file = null;
    if (file === null) return;
    try {
      await file.close();
    } catch {
      // A handle that cannot close is unusable either way; the next poll opens a fresh one.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
