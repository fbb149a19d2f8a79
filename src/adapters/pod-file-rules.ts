/**
 * How a pod's file is opened, and which errno names the port passes on, shared by NodeFileSystem
 * and the syscall worker. `podFileOpenFlags` also runs on the worker as source text
 * (`String(fn)`), so it is self-contained: no imports, nothing from this module's scope.
 */
import type { FileSystemErrorCode } from "../ports/file-system-port.js";

/** The open(2) flags of the walk and of a pod file, from `fs.constants`. */
export function podFileOpenFlags(constants: {
  readonly O_RDONLY: number;
  readonly O_NOFOLLOW: number;
  readonly O_NONBLOCK: number;
  readonly O_NOCTTY: number;
  readonly O_DIRECTORY: number;
}): { readonly file: number; readonly directory: number; readonly root: number } {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = constants;
  // Never follows a symlink, never waits for a FIFO's writer, never adopts a terminal.
  const file = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
  return {
    file,
    /** A directory below the run-log root: never through a symlink. */
    directory: file | O_DIRECTORY,
    /** The run-log root itself is the server's own setting, so it may be reached through links. */
    root: O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_NOCTTY,
  };
}

/** The errno names the port passes on as they are; any other becomes EOTHER with its message. */
export const PASSED_ON_CODES: ReadonlySet<FileSystemErrorCode> = new Set<FileSystemErrorCode>([
  "ENOENT",
  "ESTALE",
  "EIO",
  "EACCES",
  "EEXIST",
  "ENOTDIR",
  "EISDIR",
]);

/** `code` as the port names it. */
export function portCodeOf(code: string | undefined): FileSystemErrorCode {
  return code !== undefined && PASSED_ON_CODES.has(code as FileSystemErrorCode)
    ? (code as FileSystemErrorCode)
    : "EOTHER";
}
