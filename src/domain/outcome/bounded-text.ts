/**
 * Bounded text buffers for the stream accumulator: whatever the transcript size, each keeps at most
 * a fixed number of characters, and never a reference to the (possibly megabytes long) line it came from.
 */

/**
 * Returns a copy of `text` that shares no storage with it. V8 implements `slice` as a view onto
 * the parent string, so a 100-character slice of a 5 MB line would keep the whole line alive;
 * flattening a fresh concatenation forces a new, independent string.
 */
export function detachedCopy(text: string): string {
  return (" " + text).slice(1);
}

/** The first `limit` characters of `text`, detached, without splitting a surrogate pair. */
export function headOf(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let end = Math.max(0, limit);
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return detachedCopy(text.slice(0, end));
}

/**
 * Keeps the last `limit` characters of everything appended (a rolling tail). Appends are
 * concatenated until twice the limit is buffered, then cut back in one copy, so a long run of
 * small appends costs amortised O(length) rather than a copy of the whole tail each time.
 */
export class BoundedTextTail {
  private buffered = "";
  private droppedChars = 0;

  constructor(private readonly limit: number) {}

  append(piece: string): void {
    if (piece.length === 0) return;
    if (piece.length >= this.limit) {
      // Only a cut of an oversized piece can be a view onto it: copy it so the piece can be freed.
      this.droppedChars += this.buffered.length + piece.length - this.limit;
      this.buffered = detachedCopy(piece.slice(piece.length - this.limit));
      return;
    }
    this.buffered += piece;
    if (this.buffered.length > 2 * this.limit) this.compact();
  }

  /** The retained tail: at most `limit` characters, never starting with half a surrogate pair. */
  get value(): string {
    this.compact();
    return this.buffered;
  }

  /** How many characters were discarded from the front so far. */
  get dropped(): number {
    this.compact();
    return this.droppedChars;
  }

  private compact(): void {
    const excess = this.buffered.length - this.limit;
    let cut = excess > 0 ? excess : 0;
    if (cut < this.buffered.length && isLowSurrogate(this.buffered.charCodeAt(cut))) cut += 1;
    if (cut === 0) return;
    this.droppedChars += cut;
    this.buffered = this.buffered.slice(cut);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
