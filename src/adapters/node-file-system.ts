import { randomBytes } from "node:crypto";
import { constants, existsSync, type Stats } from "node:fs";
import {
  chmod,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rmdir,
  unlink,
  writeFile,
  type FileHandle,
} from "node:fs/promises";
import { basename, dirname, posix } from "node:path";
import {
  FileSystemError,
  type FileStatus,
  type FileSystemErrorCode,
  type FileSystemPort,
  type OpenFile,
  type PathScope,
} from "../ports/file-system-port.js";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY, O_DIRECTORY } = constants;

/** Never follows a symlink, never waits for a FIFO's writer, never adopts a terminal. */
export const POD_FILE_READ_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY;
const DIRECTORY_FLAGS = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_DIRECTORY;
const TEMPORARY_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY;

const KNOWN_CODES = new Set<FileSystemErrorCode>(["ENOENT", "ESTALE", "EIO", "EACCES", "EEXIST", "ENOTDIR", "EISDIR"]);

/**
 * On Linux `/proc/self/fd/N/name` resolves `name` inside the directory held open as fd N, whatever
 * its path names by now: the same guarantee as `openat(N, name)`, which Node does not expose. Each
 * component below the root is opened that way with O_NOFOLLOW|O_DIRECTORY, so a pod swapping a
 * directory for a symlink mid-walk gains nothing. Elsewhere the walk lstat-checks each component
 * and then uses plain paths: correct against a planted link, but racy against a pod that swaps one
 * between the check and the use.
 */
export const HAS_PROC_FD = existsSync("/proc/self/fd");

function translate(error: unknown, path: string): FileSystemError {
  if (error instanceof FileSystemError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const known = code && KNOWN_CODES.has(code as FileSystemErrorCode) ? (code as FileSystemErrorCode) : "EOTHER";
  return new FileSystemError(known, path, (error as Error | undefined)?.message ?? String(error));
}

async function guarded<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw translate(error, path);
  }
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;

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

/** The components of `path` below `root`, or EUNSAFEPATH when it is not strictly inside it. */
export function componentsBelow(root: string, path: string): string[] {
  const relative = posix.relative(posix.normalize(root), posix.normalize(path));
  const parts = relative === "" ? [] : relative.split("/");
  const escapes = posix.isAbsolute(relative) || parts.some((part) => part === ".." || part === ".");
  const raw = path.split("/").some((part) => part === ".." || part === ".");
  if (escapes || raw || !posix.isAbsolute(path)) {
    throw unsafePath(path, `it is not inside the run-log root ${root}`);
  }
  return parts;
}

/** A directory reached by the verified walk: `at(name)` names an entry inside it. */
interface VerifiedDirectory {
  at(name: string): string;
  close(): Promise<void>;
}

/** The FileSystemPort over Node's fs: every call opens by path, so NFS revalidates on open. */
export class NodeFileSystem implements FileSystemPort {
  /** Uninitialised memory is fine: only the bytes a read filled are ever looked at. */
  allocateReadBuffer(bytes: number): Uint8Array {
    return Buffer.allocUnsafeSlow(bytes);
  }

  open(path: string, scope?: PathScope): Promise<OpenFile> {
    return guarded(path, async () => {
      const handle = await this.openRegular(path, scope);
      return {
        read: (buffer, offset, length, position) =>
          guarded(path, async () => (await handle.read(buffer, offset, length, position)).bytesRead),
        status: () =>
          guarded(path, async () => {
            const s = await handle.stat();
            return { device: s.dev, inode: s.ino, size: s.size };
          }),
        close: () => guarded(path, () => handle.close()),
      };
    });
  }

  status(path: string, scope?: PathScope): Promise<FileStatus | null> {
    return guarded(path, async () => {
      const entry = await this.entryOrNull(path, scope, async (name) => {
        const s = await lstat(name);
        return { device: s.dev, inode: s.ino, size: s.size };
      });
      return entry;
    });
  }

  readSmallFile(path: string, maxBytes: number, scope?: PathScope): Promise<Uint8Array> {
    return guarded(path, async () => {
      const handle = await this.openRegular(path, scope);
      try {
        const buffer = new Uint8Array(maxBytes + 1);
        let filled = 0;
        for (;;) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
          if (filled > maxBytes) throw new FileSystemError("EOTHER", path, `${path} is larger than ${maxBytes} bytes`);
        }
        return buffer.slice(0, filled);
      } finally {
        await handle.close();
      }
    });
  }

  writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600, scope?: PathScope): Promise<void> {
    return guarded(path, async () => {
      const directory = await this.parentOf(path, scope);
      const temporary = directory.at(`.${randomBytes(6).toString("hex")}.tmp`);
      try {
        const handle = await open(temporary, TEMPORARY_FLAGS, mode);
        try {
          await writeFile(handle, data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, directory.at(basename(path)));
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      } finally {
        await directory.close();
      }
    });
  }

  makeDirectory(path: string, mode?: number, scope?: PathScope): Promise<void> {
    const createMode = mode ?? 0o775;
    return guarded(path, async () => {
      const existed = await lstat(path).then(
        () => true,
        () => false,
      );
      if (!scope) {
        await mkdir(path, { recursive: true, mode: createMode });
      } else {
        await mkdir(scope.under, { recursive: true, mode: createMode });
        const directory = await this.walk(scope.under, componentsBelow(scope.under, path), path, createMode);
        await directory.close();
      }
      // The umask narrows mkdir's mode; a directory created here gets exactly the one asked for.
      if (!existed && mode !== undefined) await chmod(path, mode);
    });
  }

  listDirectory(path: string, scope?: PathScope): Promise<string[] | null> {
    return guarded(path, async () => {
      let directory: VerifiedDirectory;
      try {
        directory = scope
          ? await this.walk(scope.under, componentsBelow(scope.under, path), path)
          : await this.walk(path, [], path);
      } catch (error) {
        if (errnoOf(error) === "ENOENT") return null;
        throw error;
      }
      try {
        return await readdir(directory.at("."));
      } finally {
        await directory.close();
      }
    });
  }

  removeDirectory(path: string, scope?: PathScope): Promise<boolean> {
    return guarded(path, async () => {
      const removed = await this.entryOrNull(path, scope, async (name) => {
        await rmdir(name);
        return true;
      });
      return removed ?? false;
    });
  }

  unlink(path: string, scope?: PathScope): Promise<boolean> {
    return guarded(path, async () => {
      const removed = await this.entryOrNull(path, scope, async (name) => {
        await unlink(name);
        return true;
      });
      return removed ?? false;
    });
  }

  // ---- the verified walk ------------------------------------------------------------------

  /** Opens a regular file with one link, or throws ENOTREGULAR naming what is there instead. */
  private async openRegular(path: string, scope: PathScope | undefined): Promise<FileHandle> {
    const directory = await this.parentOf(path, scope);
    const name = directory.at(basename(path));
    let handle: FileHandle;
    try {
      handle = await open(name, POD_FILE_READ_FLAGS);
    } catch (error) {
      // ELOOP: a symlink (O_NOFOLLOW); ENXIO: a socket; EISDIR/ENOTDIR can come from odd types.
      if (["ELOOP", "ENXIO", "EISDIR", "ENODEV"].includes(errnoOf(error) ?? "")) {
        const found = await lstat(name).then(describeFileType, () => "a file that cannot be opened");
        throw notRegular(path, found);
      }
      throw error;
    } finally {
      await directory.close();
    }
    const stats = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!stats.isFile() || stats.nlink !== 1) {
      await handle.close();
      throw notRegular(path, describeFileType(stats));
    }
    return handle;
  }

  /** Runs `action` on the verified name of `path`, or returns null when it or its directory is gone. */
  private async entryOrNull<T>(
    path: string,
    scope: PathScope | undefined,
    action: (name: string) => Promise<T>,
  ): Promise<T | null> {
    let directory: VerifiedDirectory;
    try {
      directory = await this.parentOf(path, scope);
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return null;
      throw error;
    }
    try {
      return await action(directory.at(basename(path)));
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return null;
      throw error;
    } finally {
      await directory.close();
    }
  }

  /** The directory holding `path`, every component below the scope's root verified. */
  private parentOf(path: string, scope: PathScope | undefined): Promise<VerifiedDirectory> {
    const parent = dirname(path);
    if (!scope) return this.walk(parent, [], path);
    const components = componentsBelow(scope.under, path);
    if (components.length === 0) throw unsafePath(path, `it is the run-log root ${scope.under} itself`);
    return this.walk(scope.under, components.slice(0, -1), path);
  }

  /**
   * Opens the trusted `root` (the operator's path, followed as configured), then each component
   * below it as a real directory; `createMode` creates missing ones.
   */
  private async walk(
    root: string,
    components: string[],
    path: string,
    createMode?: number,
  ): Promise<VerifiedDirectory> {
    if (!HAS_PROC_FD) return this.walkByPath(root, components, path, createMode);
    let current = await open(root, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_NOCTTY);
    const at = (handle: FileHandle, name: string) => `/proc/self/fd/${handle.fd}/${name}`;
    try {
      for (const component of components) {
        const name = at(current, component);
        let next: FileHandle;
        try {
          next = await open(name, DIRECTORY_FLAGS);
        } catch (error) {
          if (errnoOf(error) === "ENOENT" && createMode !== undefined) {
            await mkdir(name, createMode).catch((e: unknown) => {
              if (errnoOf(e) !== "EEXIST") throw e;
            });
            next = await this.openComponent(name, path, component);
          } else {
            next = await this.rethrowComponent(error, name, path, component);
          }
        }
        await current.close();
        current = next;
      }
    } catch (error) {
      await current.close();
      throw error;
    }
    const held = current;
    return { at: (name) => at(held, name), close: () => held.close() };
  }

  private async openComponent(name: string, path: string, component: string): Promise<FileHandle> {
    try {
      return await open(name, DIRECTORY_FLAGS);
    } catch (error) {
      return this.rethrowComponent(error, name, path, component);
    }
  }

  private async rethrowComponent(error: unknown, name: string, path: string, component: string): Promise<never> {
    if (errnoOf(error) === "ELOOP" || errnoOf(error) === "ENOTDIR") {
      const found = await lstat(name).then(describeFileType, () => "not a directory");
      throw unsafePath(path, `${found} stands where the directory "${component}" should be`);
    }
    throw error;
  }

  /** The portable walk: lstat each component (see HAS_PROC_FD for its race). */
  private async walkByPath(
    root: string,
    components: string[],
    path: string,
    createMode?: number,
  ): Promise<VerifiedDirectory> {
    let current = root;
    for (const component of components) {
      current = `${current}/${component}`;
      let stats = await lstat(current).catch((error: unknown) => {
        if (errnoOf(error) === "ENOENT" && createMode !== undefined) return null;
        throw error;
      });
      if (stats === null) {
        await mkdir(current, createMode).catch((e: unknown) => {
          if (errnoOf(e) !== "EEXIST") throw e;
        });
        stats = await lstat(current);
      }
      if (!stats.isDirectory()) {
        throw unsafePath(path, `${describeFileType(stats)} stands where the directory "${component}" should be`);
      }
    }
    const held = current;
    return { at: (name) => `${held}/${name}`, close: async () => undefined };
  }
}
