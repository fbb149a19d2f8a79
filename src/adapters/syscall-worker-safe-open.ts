/**
 * How the syscall worker opens a pod's file: the directories below the run-log root are walked
 * once, component by component through `/proc/self/fd/N/name` with O_NOFOLLOW | O_DIRECTORY (a
 * symlink anywhere is refused), and a walked directory's descriptor is kept while it is used, so a
 * quiet file's re-open by name (what makes NFS revalidate) is one `open`, not a walk from the
 * root. A file is opened O_NOFOLLOW | O_NONBLOCK | O_NOCTTY and accepted only when fstat says it
 * is a regular file with one link.
 *
 * Runs on the worker as source text (see syscall-worker-thread.ts), so it is self-contained: what
 * it needs comes in as arguments.
 */
import type * as NodeFs from "node:fs";
import type { describeFileType } from "./node-file-errors.js";
import type { podFileOpenFlags } from "./pod-file-rules.js";

/** A refusal of what stands at a path (not an errno): its code, and what was found there. */
export interface WorkerRefusal extends Error {
  readonly code: string;
  readonly found: string;
  readonly component: string;
}

export interface SafeOpens {
  /** The verified directory `under/below`'s descriptor (walked once, kept while used). */
  directoryOf(under: string, below: string, now: number): number;
  /** Opens a regular file with one link without following a symlink or blocking, with its fstat. */
  openRegular(under: string, below: string, name: string, now: number): { fd: number; stats: NodeFs.Stats };
  /** Lets go of the directories unused for a while. */
  forgetIdleDirectories(now: number): void;
  /** A refusal to report (code ENOTREGULAR, EUNSAFEPATH, ETOOBIG). */
  refusal(code: string, message: string, found: string, component?: string): WorkerRefusal;
  isRefusal(error: unknown): error is WorkerRefusal;
  /** The errno name of a failed syscall. */
  errnoOf(error: unknown): string;
}

export function safeOpensWorkerMain(
  fs: typeof NodeFs,
  describe: typeof describeFileType,
  openFlags: typeof podFileOpenFlags,
): SafeOpens {
  const FLAGS = openFlags(fs.constants);
  /** A verified directory's descriptor is let go after this long unused. */
  const DIRECTORY_IDLE_MS = 5_000;
  const directories = new Map<string, { fd: number; usedAt: number }>();

  class Refusal extends Error {
    constructor(
      readonly code: string,
      message: string,
      readonly found: string,
      readonly component = "",
    ) {
      super(message);
    }
  }

  const errnoOf = (error: unknown) => (error as { code?: string } | null)?.code ?? "EOTHER";

  function lstatWords(name: string, otherwise: string): string {
    try {
      return describe(fs.lstatSync(name));
    } catch {
      return otherwise;
    }
  }

  function directoryOf(under: string, below: string, now: number): number {
    const key = `${under}\0${below}`;
    const held = directories.get(key);
    if (held !== undefined) {
      held.usedAt = now;
      return held.fd;
    }
    let current = fs.openSync(under, FLAGS.root);
    try {
      for (const component of below === "" ? [] : below.split("/")) {
        const name = `/proc/self/fd/${current}/${component}`;
        let next: number;
        try {
          next = fs.openSync(name, FLAGS.directory);
        } catch (error) {
          if (errnoOf(error) === "ELOOP" || errnoOf(error) === "ENOTDIR") {
            throw new Refusal("EUNSAFEPATH", "not a real directory", lstatWords(name, "not a directory"), component);
          }
          throw error;
        }
        fs.closeSync(current);
        current = next;
      }
    } catch (error) {
      fs.closeSync(current);
      throw error;
    }
    directories.set(key, { fd: current, usedAt: now });
    return current;
  }

  function forgetIdleDirectories(now: number): void {
    for (const [key, held] of directories) {
      if (now - held.usedAt < DIRECTORY_IDLE_MS) continue;
      directories.delete(key);
      try {
        fs.closeSync(held.fd);
      } catch {
        // Already unusable; nothing holds it any more.
      }
    }
  }

  function openRegular(under: string, below: string, base: string, now: number) {
    const name = `/proc/self/fd/${directoryOf(under, below, now)}/${base}`;
    let fd: number;
    try {
      fd = fs.openSync(name, FLAGS.file);
    } catch (error) {
      // ELOOP: a symlink (O_NOFOLLOW); ENXIO: a socket; EISDIR/ENODEV from odd types.
      if (["ELOOP", "ENXIO", "EISDIR", "ENODEV"].includes(errnoOf(error))) {
        throw new Refusal("ENOTREGULAR", "not a regular file", lstatWords(name, "a file that cannot be opened"));
      }
      throw error;
    }
    let stats: NodeFs.Stats;
    try {
      stats = fs.fstatSync(fd);
    } catch (error) {
      fs.closeSync(fd);
      throw error;
    }
    if (!stats.isFile() || stats.nlink !== 1) {
      fs.closeSync(fd);
      throw new Refusal("ENOTREGULAR", "not a regular file", describe(stats));
    }
    return { fd, stats };
  }

  return {
    directoryOf,
    openRegular,
    forgetIdleDirectories,
    refusal: (code, message, found, component) => new Refusal(code, message, found, component),
    isRefusal: (error): error is WorkerRefusal => error instanceof Refusal,
    errnoOf,
  };
}
