/**
 * The FileSystemPort over Node's fs: every call opens by path, so NFS revalidates on open, and
 * reaches a pod's file only through the verified walk (verified-directory-walk.ts): never through
 * a symlink, never into a FIFO or device, never a file with more than one link.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
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
import { basename } from "node:path";
import {
  FileSystemError,
  type FileStatus,
  type FileSystemPort,
  type OpenFile,
  type PathScope,
} from "../ports/file-system-port.js";
import { describeFileType, errnoOf, guarded, notRegular } from "./node-file-errors.js";
import { podFileOpenFlags } from "./pod-file-rules.js";
import { componentsBelow, verifiedParentOf, walkBelow, type VerifiedDirectory } from "./verified-directory-walk.js";

// The syscall worker's adapter shares these rules.
export { notRegular, unsafePath } from "./node-file-errors.js";
export { componentsBelow, HAS_PROC_FD } from "./verified-directory-walk.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NOCTTY } = constants;

/** Never follows a symlink, never waits for a FIFO's writer, never adopts a terminal. */
export const POD_FILE_READ_FLAGS = podFileOpenFlags(constants).file;
const TEMPORARY_FLAGS = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY;

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
      const directory = await verifiedParentOf(path, scope);
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
        const directory = await walkBelow(scope.under, componentsBelow(scope.under, path), path, createMode);
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
          ? await walkBelow(scope.under, componentsBelow(scope.under, path), path)
          : await walkBelow(path, [], path);
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

  /** Opens a regular file with one link, or throws ENOTREGULAR naming what is there instead. */
  private async openRegular(path: string, scope: PathScope | undefined): Promise<FileHandle> {
    const directory = await verifiedParentOf(path, scope);
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
      directory = await verifiedParentOf(path, scope);
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
}
