import {
  FileSystemError,
  type FileStatus,
  type FileSystemErrorCode,
  type FileSystemPort,
  type OpenFile,
} from "../../src/ports/file-system-port.js";

interface FileNode {
  readonly inode: number;
  /** Everything written, growing in place. */
  data: Uint8Array;
  length: number;
  /** Bytes a reader can see; lags `length` while visibility is held (NFS/CephFS lag). */
  visibleLength: number;
  /** The size `status()` reports; lags while the attribute cache is stale. */
  reportedSize: number;
  staleSize: boolean;
  holdVisibility: boolean;
  /** Hidden files exist for the writer but not yet for readers (late visibility). */
  hidden: boolean;
  mode: number;
}

type Operation = "open" | "read" | "status" | "readSmallFile" | "writeFileAtomic" | "makeDirectory" | "unlink";

interface InjectedFault {
  readonly operation: Operation;
  readonly path: string | undefined;
  readonly code: FileSystemErrorCode;
  remaining: number;
}

const DEVICE = 64;
const encoder = new TextEncoder();
const toBytes = (data: Uint8Array | string): Uint8Array => (typeof data === "string" ? encoder.encode(data) : data);

/**
 * A file system in memory with the faults of a shared volume as knobs: stale sizes, bytes that
 * become visible late, files that appear late, truncation, replacement (new inode), short reads,
 * close-to-open caching, and injected errno failures.
 */
export class InMemoryFileSystem implements FileSystemPort {
  /** When set, a read returns at most this many bytes (short reads). */
  maxBytesPerRead = Number.POSITIVE_INFINITY;
  /** NFS close-to-open: an open handle only sees bytes visible when it was opened. */
  closeToOpen = false;
  readonly counters = { opens: 0, reads: 0, bytesRead: 0 };
  readonly directories = new Set<string>(["/"]);

  private readonly files = new Map<string, FileNode>();
  private readonly faults: InjectedFault[] = [];
  private nextInode = 1000;

  // ---- writer side (test knobs) -------------------------------------------------------------

  /** Appends bytes as the writer pod would; creates the file if needed. */
  append(path: string, data: Uint8Array | string): void {
    const node = this.files.get(path) ?? this.createNode(path);
    const bytes = toBytes(data);
    if (node.length + bytes.length > node.data.length) {
      const grown = new Uint8Array(Math.max(node.length + bytes.length, node.data.length * 2, 1024));
      grown.set(node.data.subarray(0, node.length));
      node.data = grown;
    }
    node.data.set(bytes, node.length);
    node.length += bytes.length;
    if (!node.holdVisibility) node.visibleLength = node.length;
    if (!node.staleSize) node.reportedSize = node.visibleLength;
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
  }

  /** Fails the next `times` calls of `operation` (on `path`, or any path) with `code`. */
  failNext(operation: Operation, code: FileSystemErrorCode, options: { path?: string; times?: number } = {}): void {
    this.faults.push({ operation, path: options.path, code, remaining: options.times ?? 1 });
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

  // ---- FileSystemPort ---------------------------------------------------------------------

  async open(path: string): Promise<OpenFile> {
    this.maybeFail("open", path);
    this.counters.opens++;
    const node = this.visibleNode(path);
    const visibleAtOpen = node.visibleLength;
    let closed = false;
    return {
      read: async (buffer, offset, length, position) => {
        if (closed) throw new FileSystemError("EOTHER", path, "read after close");
        this.maybeFail("read", path);
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
  }

  async status(path: string): Promise<FileStatus | null> {
    this.maybeFail("status", path);
    const node = this.files.get(path);
    if (!node || node.hidden) return null;
    return { device: DEVICE, inode: node.inode, size: node.reportedSize };
  }

  async readSmallFile(path: string, maxBytes: number): Promise<Uint8Array> {
    this.maybeFail("readSmallFile", path);
    const node = this.visibleNode(path);
    if (node.visibleLength > maxBytes) {
      throw new FileSystemError("EOTHER", path, `${path} is larger than ${maxBytes} bytes`);
    }
    return node.data.slice(0, node.visibleLength);
  }

  async writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
    this.maybeFail("writeFileAtomic", path);
    this.requireParent(path);
    this.replace(path, data);
    this.node(path).mode = mode;
  }

  async makeDirectory(path: string): Promise<void> {
    this.maybeFail("makeDirectory", path);
    const parts = path.split("/").filter(Boolean);
    for (let i = 1; i <= parts.length; i++) this.directories.add(`/${parts.slice(0, i).join("/")}`);
  }

  async unlink(path: string): Promise<boolean> {
    this.maybeFail("unlink", path);
    return this.files.delete(path);
  }

  // ---- internals --------------------------------------------------------------------------

  private createNode(path: string): FileNode {
    const node: FileNode = {
      inode: this.nextInode++,
      data: new Uint8Array(0),
      length: 0,
      visibleLength: 0,
      reportedSize: 0,
      staleSize: false,
      holdVisibility: false,
      hidden: false,
      mode: 0o644,
    };
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

  private requireParent(path: string): void {
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    if (!this.directories.has(parent)) {
      throw new FileSystemError("ENOENT", path, `ENOENT: no directory ${parent}`);
    }
  }

  private maybeFail(operation: Operation, path: string): void {
    const fault = this.faults.find(
      (f) => f.operation === operation && (f.path === undefined || f.path === path) && f.remaining > 0,
    );
    if (!fault) return;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    throw new FileSystemError(fault.code, path, `${fault.code}: injected ${operation} failure on ${path}`);
  }
}
