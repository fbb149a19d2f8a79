/**
 * A file system in memory with the faults of a shared volume as knobs: stale sizes, bytes that
 * become visible late, files that appear late, truncation, replacement (new inode), short reads,
 * close-to-open caching, what a hostile pod plants (FIFOs, symlinks, hard links), and scripted
 * errno failures and stalls (scripted-file-faults.ts).
 */
import {
  FileSystemError,
  type FileStatus,
  type FileSystemErrorCode,
  type FileSystemPort,
  type OpenFile,
  type PathScope,
} from "../../src/ports/file-system-port.js";
import { appendBytes, newFileNode, type FileNode } from "./in-memory-file-node.js";
import { checkScopedPath } from "./in-memory-scope-walk.js";
import { ScriptedFileFaults, type FileOperation } from "./scripted-file-faults.js";

/** What a pod can put at a path instead of a regular file, as the adapter describes it. */
export type PlantedKind = "a FIFO" | "a socket" | "a directory" | "a character device" | "a block device";

const DEVICE = 64;
const encoder = new TextEncoder();
const toBytes = (data: Uint8Array | string): Uint8Array => (typeof data === "string" ? encoder.encode(data) : data);

export class InMemoryFileSystem implements FileSystemPort {
  /** When set, a read returns at most this many bytes (short reads). */
  maxBytesPerRead = Number.POSITIVE_INFINITY;
  /** NFS close-to-open: an open handle only sees bytes visible when it was opened. */
  closeToOpen = false;
  /** When set, open files also hand bytes back (OpenFile.readBytes), as the syscall worker's do. */
  handsBackBytes = false;
  readonly counters = { opens: 0, reads: 0, bytesRead: 0 };
  readonly directories = new Set<string>(["/"]);
  /** The mode each directory was created with, when one was asked for. */
  readonly directoryModes = new Map<string, number>();

  private readonly files = new Map<string, FileNode>();
  private readonly faults = new ScriptedFileFaults();
  private readonly planted = new Map<string, PlantedKind>();
  /** Symlinks by path (a file's or a directory's), to their target. */
  private readonly symlinks = new Map<string, string>();
  /** Every path opened or read whole, in order (to prove what was never read). */
  readonly readPaths: string[] = [];
  /** Calls made without a scope (the domain always passes one). */
  readonly unscopedCalls: string[] = [];
  private nextInode = 1000;

  // ---- writer side (test knobs) -------------------------------------------------------------

  /** Appends bytes as the writer pod would; creates the file if needed. */
  append(path: string, data: Uint8Array | string): void {
    appendBytes(this.files.get(path) ?? this.createNode(path), toBytes(data));
  }

  /** Creates an empty file, optionally hidden from readers until `reveal`. */
  create(path: string, options: { hidden?: boolean } = {}): void {
    const node = this.createNode(path);
    node.hidden = options.hidden ?? false;
  }

  reveal(path: string): void {
    this.node(path).hidden = false;
  }

  /** Bytes appended from now on stay invisible to readers until `releaseVisibility`. */
  holdVisibility(path: string): void {
    this.node(path).holdVisibility = true;
  }

  releaseVisibility(path: string): void {
    const node = this.node(path);
    node.holdVisibility = false;
    node.visibleLength = node.length;
    if (!node.staleSize) node.reportedSize = node.visibleLength;
  }

  /** `status()` keeps reporting the current size until `refreshSize`, like a stale attribute cache. */
  freezeReportedSize(path: string): void {
    this.node(path).staleSize = true;
  }

  refreshSize(path: string): void {
    const node = this.node(path);
    node.staleSize = false;
    node.reportedSize = node.visibleLength;
  }

  /** Shrinks the file in place (same inode). */
  truncate(path: string, size = 0): void {
    const node = this.node(path);
    node.length = Math.min(node.length, size);
    node.visibleLength = Math.min(node.visibleLength, size);
    node.reportedSize = Math.min(node.reportedSize, size);
  }

  /** Replaces the file with a new one (new inode) holding `data`, as a rename over it would. */
  replace(path: string, data: Uint8Array | string = ""): void {
    this.files.delete(path);
    this.append(path, data);
  }

  remove(path: string): void {
    this.files.delete(path);
    this.planted.delete(path);
    this.symlinks.delete(path);
  }

  /** A pod puts a special file (FIFO, socket, directory, device) at `path`. */
  plant(path: string, kind: PlantedKind): void {
    this.remove(path);
    this.planted.set(path, kind);
    if (kind === "a directory") this.directories.add(path);
  }

  /** A pod puts a symlink at `path` (to a file, or in place of a directory of the chain). */
  symlink(path: string, target: string): void {
    this.remove(path);
    this.directories.delete(path);
    this.symlinks.set(path, target);
  }

  /** A pod hard-links `existing` (any file it can see) at `path`: both names share one node. */
  hardLink(existing: string, path: string): void {
    const node = this.node(existing);
    node.links++;
    this.files.set(path, node);
  }

  /** The next `operation` (on `path`, or any) never settles until the returned function is called. */
  stallNext(operation: FileOperation, path?: string): () => void {
    return this.faults.stallNext(operation, path);
  }

  /** Fails the next `times` calls of `operation` (on `path`, or any path) with `code`. */
  failNext(operation: FileOperation, code: FileSystemErrorCode, options: { path?: string; times?: number } = {}): void {
    this.faults.failNext(operation, code, options);
  }

  /** The whole content the writer produced, for assertions. */
  contentOf(path: string): Uint8Array {
    const node = this.node(path);
    return node.data.slice(0, node.length);
  }

  textOf(path: string): string {
    return new TextDecoder().decode(this.contentOf(path));
  }

  exists(path: string): boolean {
    const node = this.files.get(path);
    return node !== undefined && !node.hidden;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** The mode a file was written with, or undefined when there is no such file. */
  mode(path: string): number | undefined {
    return this.files.get(path)?.mode;
  }

  // ---- FileSystemPort ---------------------------------------------------------------------

  async open(path: string, scope?: PathScope): Promise<OpenFile> {
    await this.enter("open", path, scope);
    this.readPaths.push(path);
    this.counters.opens++;
    const node = this.regularNode(path);
    const visibleAtOpen = node.visibleLength;
    let closed = false;
    const file: OpenFile = {
      read: async (buffer, offset, length, position) => {
        if (closed) throw new FileSystemError("EOTHER", path, "read after close");
        this.faults.failIfDue("read", path);
        this.counters.reads++;
        const limit = this.closeToOpen ? Math.min(visibleAtOpen, node.visibleLength) : node.visibleLength;
        const available = Math.max(0, limit - position);
        const count = Math.min(length, available, this.maxBytesPerRead);
        if (count <= 0) return 0;
        buffer.set(node.data.subarray(position, position + count), offset);
        this.counters.bytesRead += count;
        return count;
      },
      status: async () => ({ device: DEVICE, inode: node.inode, size: node.reportedSize }),
      close: async () => {
        closed = true;
      },
    };
    if (!this.handsBackBytes) return file;
    const readBytes = async (length: number, position: number) => {
      const bytes = new Uint8Array(length);
      return bytes.subarray(0, await file.read(bytes, 0, length, position));
    };
    return { ...file, readBytes, handsBackUpTo: 64 * 1024 };
  }

  async status(path: string, scope?: PathScope): Promise<FileStatus | null> {
    await this.enter("status", path, scope);
    const node = this.files.get(path);
    if (!node || node.hidden) return null;
    return { device: DEVICE, inode: node.inode, size: node.reportedSize };
  }

  async readSmallFile(path: string, maxBytes: number, scope?: PathScope): Promise<Uint8Array> {
    await this.enter("readSmallFile", path, scope);
    this.readPaths.push(path);
    const node = this.regularNode(path);
    if (node.visibleLength > maxBytes) {
      throw new FileSystemError("EOTHER", path, `${path} is larger than ${maxBytes} bytes`);
    }
    return node.data.slice(0, node.visibleLength);
  }

  async writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600, scope?: PathScope): Promise<void> {
    await this.enter("writeFileAtomic", path, scope);
    this.requireParent(path);
    if (this.planted.get(path) === "a directory") throw new FileSystemError("EISDIR", path, `EISDIR: ${path}`);
    this.remove(path);
    this.replace(path, data);
    this.node(path).mode = mode;
  }

  async makeDirectory(path: string, mode?: number, scope?: PathScope): Promise<void> {
    await this.enter("makeDirectory", path, scope, true);
    const parts = path.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const directory = `/${parts.slice(0, i).join("/")}`;
      if (!this.directories.has(directory) && mode !== undefined) this.directoryModes.set(directory, mode);
      this.directories.add(directory);
    }
  }

  async unlink(path: string, scope?: PathScope): Promise<boolean> {
    await this.enter("unlink", path, scope);
    const special = this.planted.delete(path) || this.symlinks.delete(path);
    const node = this.files.get(path);
    if (node) node.links--;
    return this.files.delete(path) || special;
  }

  async listDirectory(path: string, scope?: PathScope): Promise<string[] | null> {
    // The root itself may be listed; every directory below it is checked as a whole path.
    if (scope?.under.replace(/\/+$/, "") !== path) await this.enter("removeDirectory", path, scope, true);
    const names = new Set<string>();
    for (const entry of [...this.files.keys(), ...this.directories, ...this.planted.keys(), ...this.symlinks.keys()]) {
      if (entry.startsWith(`${path}/`)) names.add(entry.slice(path.length + 1).split("/")[0]!);
    }
    // A parent of anything held counts as a directory, as it would on disk.
    return names.size > 0 || this.directories.has(path) ? [...names].sort() : null;
  }

  async removeDirectory(path: string, scope?: PathScope): Promise<boolean> {
    await this.enter("removeDirectory", path, scope);
    if (!this.directories.has(path)) return false;
    const holds = (p: string) => p.startsWith(`${path}/`);
    if ([...this.files.keys()].some(holds) || [...this.directories].some(holds)) {
      throw new FileSystemError("EOTHER", path, `ENOTEMPTY: directory not empty, rmdir '${path}'`);
    }
    this.directoryModes.delete(path);
    return this.directories.delete(path);
  }

  // ---- internals --------------------------------------------------------------------------

  private createNode(path: string): FileNode {
    const node = newFileNode(this.nextInode++);
    this.files.set(path, node);
    return node;
  }

  private node(path: string): FileNode {
    const node = this.files.get(path);
    if (!node) throw new Error(`InMemoryFileSystem: no file ${path}`);
    return node;
  }

  private visibleNode(path: string): FileNode {
    const node = this.files.get(path);
    if (!node || node.hidden) throw new FileSystemError("ENOENT", path, `ENOENT: no such file ${path}`);
    return node;
  }

  /** A regular file with one link, or the refusal the adapter gives for what is there instead. */
  private regularNode(path: string): FileNode {
    const found =
      this.planted.get(path) ??
      (this.symlinks.has(path) ? "a symlink" : undefined) ??
      ((this.files.get(path)?.links ?? 1) > 1 ? `a hard link (${this.files.get(path)?.links} links)` : undefined);
    if (found !== undefined) {
      throw new FileSystemError("ENOTREGULAR", path, `${path} is ${found}, not a regular file with one link`, found);
    }
    return this.visibleNode(path);
  }

  /** Faults, stalls and the scope check every call goes through, as the adapter's walk does. */
  private async enter(
    operation: FileOperation,
    path: string,
    scope: PathScope | undefined,
    wholePath = false,
  ): Promise<void> {
    await this.faults.beforeCall(operation, path);
    if (!scope) {
      this.unscopedCalls.push(`${operation} ${path}`);
      return;
    }
    checkScopedPath(path, scope, wholePath, (current) => {
      if (this.symlinks.has(current)) return "a symlink";
      if (this.files.has(current)) return "a regular file";
      const planted = this.planted.get(current);
      return planted === "a directory" ? undefined : planted;
    });
  }

  private requireParent(path: string): void {
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    if (!this.directories.has(parent)) {
      throw new FileSystemError("ENOENT", path, `ENOENT: no directory ${parent}`);
    }
  }
}
