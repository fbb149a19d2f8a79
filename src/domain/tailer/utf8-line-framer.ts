/**
 * Splits a byte stream into lines on the byte 0x0A and decodes each complete line as UTF-8.
 *
 * Framing happens on bytes and only whole lines are decoded, so a multi-byte character split
 * between two reads is never corrupted (0x0A never occurs inside a UTF-8 sequence). There is no
 * line-length ceiling: an unfinished line is carried in one growable buffer, so memory is bounded
 * by the longest line plus the caller's read chunk, and nothing else is kept.
 */

const NEWLINE = 0x0a;
const INITIAL_CARRY_BYTES = 4096;
/** A carry grown past this for one long line is let go once the line is out, not kept for the run. */
const RETAINED_CARRY_BYTES = 64 * 1024;
const EMPTY = new Uint8Array(0);

export class Utf8LineFramer {
  private readonly decoder = new TextDecoder("utf-8");
  private carry = new Uint8Array(0);
  private carried = 0;
  private chunk: Uint8Array = new Uint8Array(0);
  private position = 0;
  private lastBytes = 0;

  /** Bytes of the unfinished line held so far. */
  get heldBytes(): number {
    return this.carried;
  }

  /** Byte length (including the "\n") of the line `next()` returned last. */
  get lastLineBytes(): number {
    return this.lastBytes;
  }

  /**
   * Starts framing `chunk`. The framer reads it until `next()` returns null, then copies what is
   * left of it, so the caller may reuse its buffer after that.
   */
  load(chunk: Uint8Array): void {
    this.chunk = chunk;
    this.position = 0;
  }

  /** The next complete line of the loaded chunk (without "\n"), or null once the chunk is used up. */
  next(): string | null {
    const chunk = this.chunk;
    const start = this.position;
    if (start >= chunk.length) return this.release();
    const newline = chunk.indexOf(NEWLINE, start);
    if (newline < 0) {
      this.hold(chunk.subarray(start));
      return this.release();
    }
    this.position = newline + 1;
    if (this.carried === 0) {
      this.lastBytes = newline + 1 - start;
      return this.decoder.decode(chunk.subarray(start, newline));
    }
    this.hold(chunk.subarray(start, newline));
    const line = this.decoder.decode(this.carry.subarray(0, this.carried));
    this.lastBytes = this.carried + 1;
    this.carried = 0;
    this.shrinkCarry();
    return line;
  }

  /** At end of stream: the unfinished line, if any, as a final line (its byte length in `lastLineBytes`). */
  flush(): string | null {
    if (this.carried === 0) return null;
    const line = this.decoder.decode(this.carry.subarray(0, this.carried));
    this.lastBytes = this.carried;
    this.carried = 0;
    this.shrinkCarry();
    return line;
  }

  /** Bytes of carry buffer held between lines (0 after a long line is out). */
  get retainedBytes(): number {
    return this.carry.length;
  }

  private shrinkCarry(): void {
    if (this.carry.length > RETAINED_CARRY_BYTES) this.carry = EMPTY;
  }

  private release(): null {
    this.chunk = new Uint8Array(0);
    this.position = 0;
    return null;
  }

  private hold(bytes: Uint8Array): void {
    const needed = this.carried + bytes.length;
    if (needed > this.carry.length) {
      // Doubling keeps the copying linear for a line of any length.
      const grown = new Uint8Array(Math.max(needed, this.carry.length * 2, INITIAL_CARRY_BYTES));
      grown.set(this.carry.subarray(0, this.carried));
      this.carry = grown;
    }
    this.carry.set(bytes, this.carried);
    this.carried = needed;
  }
}
