/**
 * Splits a byte stream into lines on the byte 0x0A and decodes each complete line as UTF-8.
 *
 * Framing happens on bytes and only whole lines are decoded, so a multi-byte character split
 * between two reads is never corrupted (0x0A never occurs inside a UTF-8 sequence). An unfinished
 * line is carried in one growable buffer that never grows past `maxLineBytes`: a longer line is
 * cut there (at a character boundary) and its head is returned at once with `lastLineCut` set;
 * the rest of it, up to and including its newline, is counted (`takeSkippedBytes`) but never held.
 * So memory is bounded by `maxLineBytes` plus the caller's read chunk, whatever the pod writes.
 *
 * A cut head is returned with `cutSuffix` after it, decoded with it in one piece: a head of
 * megabytes is never copied again to append a marker (large strings and buffers are freed late,
 * so every extra copy of one shows in the process's peak memory).
 */

const NEWLINE = 0x0a;
const INITIAL_CARRY_BYTES = 4096;
/** A carry grown past this for one long line is let go once the line is out, not kept for the run. */
const RETAINED_CARRY_BYTES = 64 * 1024;
/** The longest line held by default (see the `maxLineBytes` config field). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Room for the longest UTF-8 character, so a cut line always keeps at least one. */
export const MIN_LINE_BYTES = 4;
const EMPTY = new Uint8Array(0);
/**
 * One decoder for every framer: each call decodes one whole line (never `stream`), so it keeps no
 * state between calls, and a decoder each (about 1.7 KB of native memory) is a cost per quiet run.
 */
const DECODER = new TextDecoder("utf-8");
/** The last cut suffix encoded: every run with the same `maxLineBytes` shares its bytes. */
let encodedSuffix: { readonly text: string; readonly bytes: Uint8Array } = { text: "", bytes: EMPTY };

function encodeSuffix(text: string): Uint8Array {
  if (encodedSuffix.text !== text) encodedSuffix = { text, bytes: new TextEncoder().encode(text) };
  return encodedSuffix.bytes;
}

export class Utf8LineFramer {
  private readonly decoder = DECODER;
  private carry = EMPTY;
  private carried = 0;
  private chunk: Uint8Array = EMPTY;
  private position = 0;
  private lastBytes = 0;
  private lastCut = false;
  /** Inside the rest of a cut line: bytes are skipped until its newline. */
  private skipping = false;
  private skipped = 0;

  private readonly cutSuffix: Uint8Array;
  /** The carry's largest size: a whole line of `maxLineBytes`, or a cut head plus its suffix. */
  private readonly capacity: number;

  constructor(
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    cutSuffix = "",
  ) {
    if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < MIN_LINE_BYTES) {
      throw new RangeError(`maxLineBytes must be an integer >= ${MIN_LINE_BYTES}, got ${maxLineBytes}`);
    }
    this.cutSuffix = encodeSuffix(cutSuffix);
    this.capacity = maxLineBytes + this.cutSuffix.length;
  }

  /** Bytes of the unfinished line held so far. */
  get heldBytes(): number {
    return this.carried;
  }

  /** Byte length of the line `next()` returned last: with its "\n", or only its head when it was cut. */
  get lastLineBytes(): number {
    return this.lastBytes;
  }

  /** Whether the line `next()` returned last was cut at `maxLineBytes` (the caller marks it visibly). */
  get lastLineCut(): boolean {
    return this.lastCut;
  }

  /** Bytes of cut lines skipped since the last call (they were read, never delivered); resets to 0. */
  takeSkippedBytes(): number {
    const skipped = this.skipped;
    this.skipped = 0;
    return skipped;
  }

  /**
   * Starts framing `chunk`. The framer reads it until `next()` returns null, then copies what is
   * left of it, so the caller may reuse its buffer after that.
   */
  load(chunk: Uint8Array): void {
    this.chunk = chunk;
    this.position = 0;
  }

  /** The next line of the loaded chunk (without "\n"; a cut head with `cutSuffix`), or null once the chunk is used up. */
  next(): string | null {
    const chunk = this.chunk;
    if (this.skipping && !this.skipToNewline()) return this.release();
    const start = this.position;
    if (start >= chunk.length) return this.release();
    const newline = chunk.indexOf(NEWLINE, start);
    const end = newline < 0 ? chunk.length : newline;
    const room = this.maxLineBytes - this.carried;
    if (end - start > room) return this.cut(start, room);
    if (newline < 0) {
      this.hold(chunk.subarray(start));
      return this.release();
    }
    this.position = newline + 1;
    this.lastCut = false;
    if (this.carried === 0) {
      this.lastBytes = newline + 1 - start;
      return this.decoder.decode(chunk.subarray(start, newline));
    }
    this.hold(chunk.subarray(start, newline));
    this.lastBytes = this.carried + 1;
    return this.takeCarry(this.carried);
  }

  /** At end of stream: the unfinished line, if any, as a final line (its byte length in `lastLineBytes`). */
  flush(): string | null {
    // A cut line's head is out already; its rest ends here with the stream.
    this.skipping = false;
    if (this.carried === 0) return null;
    this.lastBytes = this.carried;
    this.lastCut = false;
    return this.takeCarry(this.carried);
  }

  /** Bytes of carry buffer held between lines (0 after a long line is out). */
  get retainedBytes(): number {
    return this.carry.length;
  }

  /**
   * The line from `start` does not fit: keep its first `room` bytes (with what is carried), cut back
   * to a character boundary, and return that head; everything after it is skipped.
   */
  private cut(start: number, room: number): string {
    this.hold(this.chunk.subarray(start, start + room));
    this.position = start + room;
    const kept = characterBoundary(this.carry, this.carried);
    this.skipped += this.carried - kept;
    this.carried = kept;
    this.hold(this.cutSuffix);
    this.lastBytes = kept;
    this.lastCut = true;
    this.skipping = true;
    return this.takeCarry(this.carried);
  }

  /** Skips the rest of a cut line; true once its newline was passed, false if the chunk ran out first. */
  private skipToNewline(): boolean {
    const newline = this.chunk.indexOf(NEWLINE, this.position);
    const end = newline < 0 ? this.chunk.length : newline + 1;
    this.skipped += end - this.position;
    this.position = end;
    if (newline < 0) return false;
    this.skipping = false;
    return true;
  }

  private takeCarry(length: number): string {
    const line = this.decoder.decode(this.carry.subarray(0, length));
    this.carried = 0;
    if (this.carry.length > RETAINED_CARRY_BYTES) this.carry = EMPTY;
    return line;
  }

  private release(): null {
    this.chunk = EMPTY;
    this.position = 0;
    return null;
  }

  private hold(bytes: Uint8Array): void {
    const needed = this.carried + bytes.length;
    if (needed > this.carry.length) {
      // Doubling keeps the copying linear for a line of any length. Past a quarter of the bound the
      // carry goes straight to its largest size: the chain of doublings up to it would be garbage
      // that piles up (freed only by a later full collection) while the line is still being read.
      const doubled = Math.max(needed, this.carry.length * 2, INITIAL_CARRY_BYTES);
      const size = doubled > this.capacity / 4 ? this.capacity : doubled;
      const grown = new Uint8Array(size);
      grown.set(this.carry.subarray(0, this.carried));
      this.carry = grown;
    }
    this.carry.set(bytes, this.carried);
    this.carried = needed;
  }
}

/** The longest prefix of `bytes[0, length)` that does not end inside a multi-byte UTF-8 character. */
function characterBoundary(bytes: Uint8Array, length: number): number {
  let lead = length - 1;
  // Step back over at most three continuation bytes (10xxxxxx) to the character's first byte.
  while (lead >= 0 && lead > length - 4 && ((bytes[lead] ?? 0) & 0xc0) === 0x80) lead -= 1;
  if (lead < 0) return length;
  const first = bytes[lead] ?? 0;
  const width = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  return lead + width > length ? lead : length;
}
