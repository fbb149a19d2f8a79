/**
 * What the domain needs from a file system shared with another node (NFS, EFS, CephFS) that a
 * hostile pod writes to. Shaped for a tailer: open by path (close-to-open revalidation), read at an
 * offset into the caller's buffer (bounded memory), and the file's identity to detect replacement.
 *
 * Every path the domain names lies under a trusted directory it passes as `scope.under` (the
 * run-log root). The adapter walks the components below it without following any symlink, so a
 * pod cannot redirect a read, a write or an unlink outside the root; and it opens files without
 * blocking and accepts only a regular file with exactly one link.
 */
import { portToken } from "./port-token.js";

/** The errno-style codes the domain reacts to; anything else arrives as "EOTHER". */
export type FileSystemErrorCode =
  | "ENOENT"
  | "ESTALE"
  | "EIO"
  | "EACCES"
  | "EEXIST"
  | "ENOTDIR"
  | "EISDIR"
  /** The path names something other than a regular file with one link (`found` says what). */
  | "ENOTREGULAR"
  /** The path leaves its scope: outside `under`, or through a symlink or non-directory (`found` says what). */
  | "EUNSAFEPATH"
  /** The call did not settle within the watchdog's bound (it may still be running underneath). */
  | "ETIMEDOUT"
  /** The caller's signal abandoned the call. */
  | "ECANCELED"
  | "EOTHER";

export class FileSystemError extends Error {
  constructor(
    readonly code: FileSystemErrorCode,
    readonly path: string,
    message: string,
    /** For ENOTREGULAR / EUNSAFEPATH: what was found instead, in words ("a FIFO", "a symlinked directory at …"). */
    readonly found?: string,
  ) {
    super(message);
    this.name = "FileSystemError";
  }
}

/** Where a call may act, and how long its caller still cares. */
export interface PathScope {
  /**
   * A trusted directory (the run-log root): the path must lie below it, and every component
   * between them must be a real directory, never a symlink.
   */
  readonly under: string;
  /** Abandons the call's wait (the call may still finish underneath; anything it opened is closed). */
  readonly signal?: AbortSignal;
}

/** Device + inode: two opens of the same path see the same file only if these match. */
export interface FileIdentity {
  readonly device: number;
  readonly inode: number;
}

export interface FileStatus extends FileIdentity {
  /** Size as reported now; on NFS it can be stale, so never the only source of truth. */
  readonly size: number;
}

/** One file a quiet watch checks, as its follower last left it. */
export interface QuietFile {
  readonly path: string;
  /** The file the follower has open; null while it has not appeared (then any file at the path is news). */
  readonly identity: FileIdentity | null;
  /** Bytes the follower has read; the byte before it must still be `lastByte`. */
  readonly offset: number;
  readonly lastByte: number;
}

export interface QuietWatchRequest {
  /** Every `intervalMs` (the slow poll's pause), each file is checked as a quiet poll would. */
  readonly intervalMs: number;
  readonly scope: PathScope;
  readonly files: readonly QuietFile[];
  /** Paths that must stay absent (the trailer): anything appearing there is news. */
  readonly absent: readonly string[];
}

/** A pause that lasts while the watched files stay as they were; `done` settles at the first news or at `wake()`. */
export interface QuietWatch {
  readonly done: Promise<"changed" | "woken">;
  wake(): void;
}

export interface OpenFile {
  /** Reads up to `length` bytes at `position` into `buffer[offset..]`; 0 means end of file now. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /**
   * Optional, for reads of up to `handsBackUpTo` bytes: reads as `read` does but hands the bytes
   * back (empty at the end of the file), a view the caller may keep. A file system whose reads
   * arrive as bytes (the syscall worker's replies) offers it, so a caller holds no buffer of its
   * own while thousands of such reads wait, and nothing is copied.
   */
  readBytes?(length: number, position: number): Promise<Uint8Array>;
  readonly handsBackUpTo?: number;
  /** Identity and size of the open file (fstat), not of whatever the path names now. */
  status(): Promise<FileStatus>;
  close(): Promise<void>;
}

/**
 * Paths are absolute. The domain always passes a scope; without one only the last component is
 * checked (no symlink, regular file with one link for reads).
 */
export interface FileSystemPort {
  /**
   * A buffer to `read` into, of the platform's fastest byte type (Node: `Buffer`, whose native
   * `indexOf` finds newlines several times faster than a plain `Uint8Array`'s). Optional: without
   * it the domain allocates plain `Uint8Array`s.
   */
  allocateReadBuffer?(bytes: number): Uint8Array;
  /**
   * Opens for reading without following a symlink or blocking (FIFO, device). Throws
   * FileSystemError "ENOENT" when the path does not exist, "ENOTREGULAR" when it is not a regular
   * file with exactly one link, "EUNSAFEPATH" when its directory chain leaves the scope.
   */
  open(path: string, scope?: PathScope): Promise<OpenFile>;
  /** Status of what the path names now (a symlink is not followed), or null when it does not exist. */
  status(path: string, scope?: PathScope): Promise<FileStatus | null>;
  /** Reads a small whole file (a trailer, a probe) with `open`'s checks; refuses files over `maxBytes`. */
  readSmallFile(path: string, maxBytes: number, scope?: PathScope): Promise<Uint8Array>;
  /** Writes via a temporary file and a rename in the same (verified) directory: all of it or none of it. */
  writeFileAtomic(path: string, data: Uint8Array | string, mode?: number, scope?: PathScope): Promise<void>;
  /**
   * Creates the directory and its parents (each a real directory, never through a symlink); succeeds
   * if it exists. When this call creates the directory itself and `mode` is given, it gets exactly
   * `mode` (whatever the process umask).
   */
  makeDirectory(path: string, mode?: number, scope?: PathScope): Promise<void>;
  /** Removes a file (a symlink itself, never its target); returns false if it was already gone. */
  unlink(path: string, scope?: PathScope): Promise<boolean>;
  /**
   * Names in a directory, every component below the scope's root verified a real directory (no
   * symlink followed); null when it does not exist. Optional: without it the reconciler sweeps Jobs only.
   */
  listDirectory?(path: string, scope?: PathScope): Promise<string[] | null>;
  /** Removes an EMPTY directory (never recursively); false if it was already gone; throws if it holds anything. */
  removeDirectory(path: string, scope?: PathScope): Promise<boolean>;
  /**
   * Optional: a pause that lasts while a run's files stay exactly as its last quiet poll left them.
   * Every `intervalMs` the adapter checks them as a quiet poll would (each file re-opened by path,
   * the same identity, the byte before the offset unchanged and nothing after it; each absent path
   * still absent) and `done` settles at the first check that finds anything else; the caller then
   * polls as usual, and its poll says what changed. Lets the adapter run a quiet run's polls where
   * they cost the caller nothing; without it the caller polls every interval itself.
   */
  watchQuiet?(request: QuietWatchRequest): QuietWatch;
}

export const FILE_SYSTEM_PORT = portToken<FileSystemPort>("FileSystemPort");
