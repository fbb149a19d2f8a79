/**
 * Paperclip stores at most 64K characters per onLog call and compacts anything longer (keeping
 * only its head and tail). A stream-json line can be megabytes, so long lines are handed over in
 * pieces; Paperclip's UI joins stdout chunks back into lines. A surrogate pair is never split.
 */
export const MAX_LOG_CHUNK_CHARS = 32_000;

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
