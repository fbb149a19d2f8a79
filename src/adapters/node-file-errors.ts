/**
 * The file-system adapters' errors in the port's terms: Node's errno codes narrowed to the
 * FileSystemPort's, and the two refusals a pod's hostile file can earn — not a regular file with
 * one link (ENOTREGULAR), or a path that leaves the run-log root or crosses a symlink (EUNSAFEPATH) —
 * each naming what was found instead. `describeFileType` also runs on the syscall worker as source
 * text, so it stays self-contained.
 */
import type { Stats } from "node:fs";
import { FileSystemError } from "../ports/file-system-port.js";
import { portCodeOf } from "./pod-file-rules.js";

function translate(error: unknown, path: string): FileSystemError {
  if (error instanceof FileSystemError) return error;
  const known = portCodeOf((error as NodeJS.ErrnoException | undefined)?.code);
  return new FileSystemError(known, path, (error as Error | undefined)?.message ?? String(error));
}

/** Runs `action`, anything it throws as a FileSystemError about `path`. */
export async function guarded<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw translate(error, path);
  }
}

export const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

/** What a non-regular (or multiply linked) file is, in words for an error message. */
export function describeFileType(stats: Stats): string {
  if (stats.isSymbolicLink()) return "a symlink";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isSocket()) return "a socket";
  if (stats.isDirectory()) return "a directory";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isFile() && stats.nlink !== 1) return `a hard link (${stats.nlink} links)`;
  return stats.isFile() ? "a regular file" : "an unknown file type";
}

export function notRegular(path: string, found: string): FileSystemError {
  return new FileSystemError("ENOTREGULAR", path, `${path} is ${found}, not a regular file with one link`, found);
}

export function unsafePath(path: string, found: string): FileSystemError {
  return new FileSystemError("EUNSAFEPATH", path, `${path} is refused: ${found}`, found);
}
