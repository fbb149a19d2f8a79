/**
 * The worker side of quiet watches (see syscall-worker-quiet-watches.ts): a quiet run's slow polls,
 * done on the file-system worker thread with no message per poll. Every `intervalMs` each watched
 * file is checked as the follower's quiet poll would check it (re-opened by name, which makes NFS
 * revalidate; the same device and inode; the byte before the offset unchanged and nothing after
 * it), and each path that must stay absent (the trailer) is looked up; the first check that finds
 * anything else ends the watch and tells the main thread, whose follower then polls as usual.
 *
 * Passed to the worker as source text, so it must be self-contained (no imports, no closures over
 * this module): what it needs of the worker comes in `tools`.
 */
import type * as NodeFs from "node:fs";

/** Main → worker: a watch to start. */
export interface WatchStart {
  readonly kind: "watch";
  readonly id: number;
  readonly intervalMs: number;
  readonly under: string;
  /** WATCHED_FILE_FIELDS per file: directories below `under`, name, known (1/0), dev, ino, offset, lastByte. */
  readonly files: readonly (string | number)[];
  /** Per path that must stay absent: directories below `under`, name. */
  readonly absent: readonly string[];
}

/** Main → worker: the watch is over (woken, or its caller left). */
export interface WatchStop {
  readonly kind: "unwatch";
  readonly id: number;
}

/** Worker → main: the watches whose check found something (they are over); or a given-up tick ended. */
export type WatchReport = { readonly kind: "news"; readonly ids: readonly number[] } | { readonly kind: "unstuck" };

export const WATCHED_FILE_FIELDS = 7;

/** Int32 slots of the worker's shared state used by watches (0 and 1 are the batches'). */
export const TICKING_SLOT = 2;
export const TICKS_SLOT = 3;
export const TICK_ABANDONED_SLOT = 4;
export const STATE_BYTES = 32;

export interface QuietWatchTools {
  readonly fs: typeof NodeFs;
  readonly state: Int32Array;
  readonly post: (report: WatchReport) => void;
  /** The verified directory `under/below`'s descriptor (walked once, kept while used). */
  readonly directoryOf: (under: string, below: string, now: number) => number;
  /** Opens a regular file with one link without following a symlink or blocking, with its fstat. */
  readonly openRegular: (
    under: string,
    below: string,
    name: string,
    now: number,
  ) => { fd: number; stats: NodeFs.Stats };
  readonly forgetIdleDirectories: (now: number) => void;
}

export interface QuietWatchWorker {
  start(message: WatchStart): void;
  stop(id: number): void;
}

export function quietWatchWorkerMain(tools: QuietWatchTools): QuietWatchWorker {
  const { fs, state, post, directoryOf, openRegular, forgetIdleDirectories } = tools;
  // Repeated from the module (this body sees no module scope).
  const FILE_FIELDS = 7;
  const TICKING = 2;
  const TICKS = 3;
  const TICK_ABANDONED = 4;
  /**
   * Ticks start at least this far apart: watches that fall due within it are checked together, each
   * at most this much after its interval (a pause's timer is late by as much under load), instead
   * of one wake-up per watch when thousands are due at scattered times.
   */
  const TICK_GAP_MS = 20;
  /** Unused directory descriptors are let go at most this often (a sweep walks every held one). */
  const SWEEP_EVERY_MS = 1_000;

  interface Watch {
    readonly id: number;
    readonly intervalMs: number;
    readonly under: string;
    readonly files: readonly (string | number)[];
    readonly absent: readonly string[];
    due: number;
    /** Stopped or reported: dropped from its queue when it comes up. */
    over: boolean;
  }
  const watches = new Map<number, Watch>();
  /** Watches by interval; within one, in the order they are due (each is queued again after its check). */
  const queues = new Map<number, { items: Watch[]; head: number }>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerDue = Number.POSITIVE_INFINITY;
  let lastTickAt = Number.NEGATIVE_INFINITY;
  let lastSweepAt = Number.NEGATIVE_INFINITY;
  const probe = Buffer.allocUnsafeSlow(2);
  const ABSENT_IS_UNDEFINED = { throwIfNoEntry: false } as const;

  function queue(watch: Watch): void {
    let due = queues.get(watch.intervalMs);
    if (due === undefined) queues.set(watch.intervalMs, (due = { items: [], head: 0 }));
    due.items.push(watch);
    arm(watch.due);
  }

  function arm(dueAt: number): void {
    const due = Math.max(dueAt, lastTickAt + TICK_GAP_MS);
    if (timer !== null && timerDue <= due) return;
    if (timer !== null) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(tick, Math.max(0, due - performance.now()));
  }

  /** Whether anything (a file, a symlink, a FIFO) is at `name` in the verified directory. */
  function present(under: string, below: string, name: string, now: number): boolean {
    const path = `/proc/self/fd/${directoryOf(under, below, now)}/${name}`;
    return fs.lstatSync(path, ABSENT_IS_UNDEFINED) !== undefined;
  }

  /** Whether a quiet poll of the file at `files[at..]` would find anything: another file, other or more bytes. */
  function changed(under: string, files: readonly (string | number)[], at: number, now: number): boolean {
    const below = files[at] as string;
    const name = files[at + 1] as string;
    if (files[at + 2] === 0) return present(under, below, name, now);
    const { fd, stats } = openRegular(under, below, name, now);
    try {
      if (stats.dev !== files[at + 3] || stats.ino !== files[at + 4]) return true;
      const offset = files[at + 5] as number;
      if (offset === 0) return fs.readSync(fd, probe, 0, 1, 0) > 0;
      return fs.readSync(fd, probe, 0, 2, offset - 1) !== 1 || probe[0] !== files[at + 6];
    } finally {
      fs.closeSync(fd);
    }
  }

  function hasNews(watch: Watch, now: number): boolean {
    try {
      for (let at = 0; at + 1 < watch.absent.length; at += 2) {
        if (present(watch.under, watch.absent[at] as string, watch.absent[at + 1] as string, now)) return true;
      }
      for (let at = 0; at + FILE_FIELDS <= watch.files.length; at += FILE_FIELDS) {
        if (changed(watch.under, watch.files, at, now)) return true;
      }
      return false;
    } catch {
      // Whatever failed, the follower's own poll meets it and names it.
      return true;
    }
  }

  function tick(): void {
    timer = null;
    timerDue = Number.POSITIVE_INFINITY;
    Atomics.add(state, TICKS, 1);
    Atomics.store(state, TICKING, 1);
    const until = (lastTickAt = performance.now());
    const now = Date.now();
    const news: number[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const [interval, due] of queues) {
      while (due.head < due.items.length) {
        const watch = due.items[due.head] as Watch;
        if (watch.over) {
          due.head += 1;
          continue;
        }
        if (watch.due > until) break;
        due.head += 1;
        if (hasNews(watch, now)) {
          watch.over = true;
          watches.delete(watch.id);
          news.push(watch.id);
        } else {
          // The next check one interval after this one, as a poll's pause follows the poll.
          watch.due = performance.now() + watch.intervalMs;
          due.items.push(watch);
        }
      }
      if (due.head > 1024 && due.head * 2 > due.items.length) {
        due.items = due.items.slice(due.head);
        due.head = 0;
      }
      const first = due.items[due.head];
      if (first === undefined) queues.delete(interval);
      else next = Math.min(next, first.due);
    }
    if (until - lastSweepAt >= SWEEP_EVERY_MS) {
      lastSweepAt = until;
      forgetIdleDirectories(now);
    }
    Atomics.store(state, TICKING, 0);
    if (Atomics.exchange(state, TICK_ABANDONED, 0) === 1) {
      // The main thread gave up on this tick and ended every watch: forget them, and say it is over.
      watches.clear();
      queues.clear();
      post({ kind: "unstuck" });
      return;
    }
    if (news.length > 0) post({ kind: "news", ids: news });
    if (next !== Number.POSITIVE_INFINITY) arm(next);
  }

  return {
    start(message) {
      const intervalMs = Math.max(1, message.intervalMs);
      const watch: Watch = {
        id: message.id,
        intervalMs,
        under: message.under,
        files: message.files,
        absent: message.absent,
        due: performance.now() + intervalMs,
        over: false,
      };
      watches.set(watch.id, watch);
      queue(watch);
    },
    stop(id) {
      const watch = watches.get(id);
      if (watch === undefined) return;
      watch.over = true;
      watches.delete(id);
    },
  };
}
