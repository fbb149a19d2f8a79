/**
 * One file of InMemoryFileSystem as a shared volume holds it: the bytes the writer produced, and
 * how much of them a reader sees and `status()` reports, each of which may lag (NFS, CephFS).
 */
export interface FileNode {
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
  /** Directory entries naming this node (a hard link adds one). */
  links: number;
}

export function newFileNode(inode: number): FileNode {
  return {
    inode,
    data: new Uint8Array(0),
    length: 0,
    visibleLength: 0,
    reportedSize: 0,
    staleSize: false,
    holdVisibility: false,
    hidden: false,
    mode: 0o644,
    links: 1,
  };
}

/** The writer appends: readers see it unless visibility is held, `status()` unless its size is stale. */
export function appendBytes(node: FileNode, bytes: Uint8Array): void {
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
