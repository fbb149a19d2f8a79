/**
 * What the domain needs from a file system shared with another node (NFS, EFS, CephFS).
 * Shaped for a tailer: open by path (close-to-open revalidation), read at an offset into the
 * caller's buffer (bounded memory), and the file's identity to detect replacement.
 */

/** The errno-style codes the domain reacts to; anything else arrives as "EOTHER". */
export type FileSystemErrorCode = "ENOENT" | "ESTALE" | "EIO" | "EACCES" | "EEXIST" | "ENOTDIR" | "EISDIR" | "EOTHER";

export class FileSystemError extends Error {
  constructor(
    readonly code: FileSystemErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
    this.name = "FileSystemError";
  }
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

export interface OpenFile {
  /** Reads up to `length` bytes at `position` into `buffer[offset..]`; 0 means end of file now. */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Identity and size of the open file (fstat), not of whatever the path names now. */
  status(): Promise<FileStatus>;
  close(): Promise<void>;
}

export interface FileSystemPort {
  /** Opens for reading. Throws FileSystemError("ENOENT") when the path does not exist. */
  open(path: string): Promise<OpenFile>;
  /** Status of what the path names now, or null when it does not exist. */
  status(path: string): Promise<FileStatus | null>;
  /** Reads a small whole file (a trailer, a probe); refuses files over `maxBytes`. */
  readSmallFile(path: string, maxBytes: number): Promise<Uint8Array>;
  /** Writes via a temporary file and a rename, so readers see all of it or none of it. */
  writeFileAtomic(path: string, data: Uint8Array | string, mode?: number): Promise<void>;
  /** Creates the directory and its parents; succeeds if it exists. */
  makeDirectory(path: string, mode?: number): Promise<void>;
  /** Removes a file; returns false if it was already gone. */
  unlink(path: string): Promise<boolean>;
}

export const FILE_SYSTEM_PORT = Symbol.for("claude-k8s.FileSystemPort");
