/**
 * What the edge hands to Paperclip's onLog. Paperclip stores at most 64K characters per onLog call
 * and compacts anything longer (keeping only its head and tail). A stream-json line can be
 * megabytes, so long lines are handed over in pieces; Paperclip's UI joins stdout chunks back into
 * lines. A surrogate pair is never split.
 *
 * The adapter's status lines and the pod's lines share Paperclip's two streams, so a pod line that
 * would pass for a status line is escaped (see escapePodLine) and the UI parser tells them apart.
 */
import { PHASE_PREFIX } from "../domain/cluster/phase-line.js";

export const MAX_LOG_CHUNK_CHARS = 32_000;

/**
 * Marks a pod line that starts like a status line. Lines that already start with the marker are
 * marked too, so escaping is reversible: the UI parser strips exactly one marker.
 */
export const POD_LINE_MARKER = "[pod] ";

export function splitLogChunk(chunk: string, limit = MAX_LOG_CHUNK_CHARS): string[] {
  if (chunk.length <= limit) return [chunk];
  const pieces: string[] = [];
  let start = 0;
  while (start < chunk.length) {
    let end = Math.min(start + limit, chunk.length);
    const last = chunk.charCodeAt(end - 1);
    // A high surrogate at the cut would separate it from its low half: cut one earlier.
    if (end < chunk.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    pieces.push(chunk.slice(start, end));
    start = end;
  }
  return pieces;
}

/** A pod-written line as Paperclip may see it: never starting with the adapter's status prefix. */
export function escapePodLine(line: string): string {
  return line.startsWith(PHASE_PREFIX) || line.startsWith(POD_LINE_MARKER) ? `${POD_LINE_MARKER}${line}` : line;
}
