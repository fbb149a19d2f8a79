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

/** Keeps the last `limit` characters of everything appended (a rolling tail). */
export class BoundedTextTail {
  private text = "";
  private droppedChars = 0;

  constructor(private readonly limit: number) {}

  append(piece: string): void {
    if (piece.length === 0) return;
    const tailOfPiece = piece.length > this.limit ? piece.slice(piece.length - this.limit) : piece;
    this.droppedChars += piece.length - tailOfPiece.length;
    const combined = this.text + tailOfPiece;
    const excess = combined.length - this.limit;
    if (excess > 0) this.droppedChars += excess;
    let kept = excess > 0 ? combined.slice(excess) : combined;
    // A cut inside a surrogate pair would leave half a character at the start.
    if (kept.length > 0 && isLowSurrogate(kept.charCodeAt(0))) {
      kept = kept.slice(1);
      this.droppedChars += 1;
    }
    // Only a cut of an oversized piece can be a view onto it; small appends are kept as they are
    // (a concatenation of at most `limit` characters).
    this.text = tailOfPiece === piece ? kept : detachedCopy(kept);
  }

  /** The retained tail. */
  get value(): string {
    return this.text;
  }

  /** How many characters were discarded from the front so far. */
  get dropped(): number {
    return this.droppedChars;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
