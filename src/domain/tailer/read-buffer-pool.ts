/**
 * Read buffers shared by every tail in the process. A follower takes one (two while reading ahead
 * on a backlog) for the length of one poll and gives it back when the poll ends, so a quiet run
 * holds none between polls, and memory follows what is being read at the moment rather than the
 * number of runs. Buffers come from the file system's allocator (Node backs them with `Buffer`,
 * whose native `indexOf` frames lines several times faster than a plain `Uint8Array`'s).
 *
 * Sizes come in classes of a power of two plus one byte (the follower's verifying overlap), so a
 * buffer given back fits the next poll of any run reading that much. Idle buffers are kept up to
 * `maxIdleBytes` in all; beyond that a returned buffer is left to the garbage collector.
 */

export type BufferAllocator = (bytes: number) => Uint8Array;

export const DEFAULT_POOL_IDLE_BYTES = 4 * 1024 * 1024;

/** The class a request of `bytes` is served from: the next power of two of `bytes - 1`, plus one. */
export function bufferClassOf(bytes: number): number {
  if (bytes <= 2) return Math.max(1, bytes);
  return 2 ** Math.ceil(Math.log2(bytes - 1)) + 1;
}

export class ReadBufferPool {
  private readonly idle = new Map<number, Uint8Array[]>();
  private idleTotal = 0;
  private lentTotal = 0;

  constructor(
    private readonly allocate: BufferAllocator = (bytes) => new Uint8Array(bytes),
    private readonly maxIdleBytes = DEFAULT_POOL_IDLE_BYTES,
  ) {}

  /** Bytes lent out now (being read into or framed). */
  get lentBytes(): number {
    return this.lentTotal;
  }

  /** Bytes kept for the next reads. */
  get idleBytes(): number {
    return this.idleTotal;
  }

  /** A buffer of at least `bytes` bytes, for the caller alone until it is given back. */
  take(bytes: number): Uint8Array {
    const size = bufferClassOf(bytes);
    const buffer = this.idle.get(size)?.pop();
    this.lentTotal += size;
    if (buffer === undefined) return this.allocate(size);
    this.idleTotal -= size;
    return buffer;
  }

  /** Returns a buffer from `take`; the caller must not touch it afterwards. */
  give(buffer: Uint8Array): void {
    this.lentTotal -= buffer.length;
    if (this.idleTotal + buffer.length > this.maxIdleBytes) return;
    let list = this.idle.get(buffer.length);
    if (list === undefined) this.idle.set(buffer.length, (list = []));
    list.push(buffer);
    this.idleTotal += buffer.length;
  }
}
