/**
 * The failures a test scripts on InMemoryFileSystem: an errno on the next calls of an operation
 * (on one path, or any), and calls that never settle until the test releases them (a hung NFS
 * server).
 */
import { FileSystemError, type FileSystemErrorCode } from "../../src/ports/file-system-port.js";

export type FileOperation =
  "open" | "read" | "status" | "readSmallFile" | "writeFileAtomic" | "makeDirectory" | "unlink" | "removeDirectory";

interface InjectedFault {
  readonly operation: FileOperation;
  readonly path: string | undefined;
  readonly code: FileSystemErrorCode;
  remaining: number;
}

interface Stall {
  readonly operation: FileOperation;
  readonly path: string | undefined;
  readonly release: Promise<void>;
}

const concerns = (operation: FileOperation, path: string) => (f: { operation: FileOperation; path?: string }) =>
  f.operation === operation && (f.path === undefined || f.path === path);

export class ScriptedFileFaults {
  private readonly faults: InjectedFault[] = [];
  private readonly stalls: Stall[] = [];

  /** The next `operation` (on `path`, or any) never settles until the returned function is called. */
  stallNext(operation: FileOperation, path?: string): () => void {
    let release = () => undefined as void;
    const released = new Promise<void>((resolve) => (release = resolve));
    this.stalls.push({ operation, path, release: released });
    return release;
  }

  /** Fails the next `times` calls of `operation` (on `path`, or any path) with `code`. */
  failNext(operation: FileOperation, code: FileSystemErrorCode, options: { path?: string; times?: number } = {}): void {
    this.faults.push({ operation, path: options.path, code, remaining: options.times ?? 1 });
  }

  /** Waits out a scripted stall, then fails as scripted. */
  async beforeCall(operation: FileOperation, path: string): Promise<void> {
    const stall = this.stalls.find(concerns(operation, path));
    if (stall) {
      this.stalls.splice(this.stalls.indexOf(stall), 1);
      await stall.release;
    }
    this.failIfDue(operation, path);
  }

  /** Throws the scripted errno when one is due for this call. */
  failIfDue(operation: FileOperation, path: string): void {
    const fault = this.faults.find((f) => concerns(operation, path)(f) && f.remaining > 0);
    if (!fault) return;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    throw new FileSystemError(fault.code, path, `${fault.code}: injected ${operation} failure on ${path}`);
  }
}
