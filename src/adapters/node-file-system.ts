import { randomBytes } from "node:crypto";
import { mkdir, open, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  FileSystemError,
  type FileStatus,
  type FileSystemErrorCode,
  type FileSystemPort,
  type OpenFile,
} from "../ports/file-system-port.js";

const KNOWN_CODES = new Set<FileSystemErrorCode>(["ENOENT", "ESTALE", "EIO", "EACCES", "EEXIST", "ENOTDIR", "EISDIR"]);

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

/** The FileSystemPort over Node's fs: every call opens by path, so NFS revalidates on open. */
export class NodeFileSystem implements FileSystemPort {
  open(path: string): Promise<OpenFile> {
    return guarded(path, async () => {
      const handle = await open(path, "r");
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

  async status(path: string): Promise<FileStatus | null> {
    try {
      const s = await stat(path);
      return { device: s.dev, inode: s.ino, size: s.size };
    } catch (error) {
      const translated = translate(error, path);
      if (translated.code === "ENOENT") return null;
      throw translated;
    }
  }

  readSmallFile(path: string, maxBytes: number): Promise<Uint8Array> {
    return guarded(path, async () => {
      const handle = await open(path, "r");
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

  writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
    return guarded(path, async () => {
      const temporary = `${dirname(path)}/.${randomBytes(6).toString("hex")}.tmp`;
      try {
        const handle = await open(temporary, "wx", mode);
        try {
          await writeFile(handle, data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, path);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
    });
  }

  makeDirectory(path: string, mode = 0o775): Promise<void> {
    return guarded(path, async () => {
      await mkdir(path, { recursive: true, mode });
    });
  }

  async unlink(path: string): Promise<boolean> {
    try {
      await unlink(path);
      return true;
    } catch (error) {
      const translated = translate(error, path);
      if (translated.code === "ENOENT") return false;
      throw translated;
    }
  }
}
