/**
 * The stand-in Claude's output for the scale bench: stream-json lines (ASCII only, so characters
 * equal bytes) that each end with a marker `"bench":{"seq":N,"t":MS,"len":L}}` — the line's place
 * in its stream, when the writer wrote it, and its exact length. The reader checks every line it
 * receives against the marker: lost, duplicated or cut lines and write→onLog latency need no other
 * bookkeeping.
 */

export const SMALL_LINE_BYTES = 2048;
export const BIG_LINE_BYTES = 1024 * 1024;

/** Runs whose index is ≡ 9 (mod 10) end with an error result and exit 1: the classifier must say so. */
export const isFailingRun = (index: number): boolean => index % 10 === 9;
export const EXPECTED_FAILURE_CODE = "claude_failed";

const MARKER = /"bench":\{"seq":(\d+),"t":(\d+),"len":(\d+)\}\}$/;
/** Long enough to hold any marker; the reader keeps this much of a line's end. */
export const MARKER_TAIL_CHARS = 96;

export interface LineMarker {
  readonly seq: number;
  readonly writtenAt: number;
  readonly length: number;
}

/** Closes `body` (a JSON object's text without its last `}`) with the marker, padded to `targetBytes`. */
function withMarker(body: string, seq: number, writtenAt: number, targetBytes = 0): string {
  const markerFor = (length: number) => `,"bench":{"seq":${seq},"t":${writtenAt},"len":${length}}}`;
  const pad = targetBytes - body.length - markerFor(targetBytes).length;
  // `,"pad":"` and the closing quote take 9 of the padding's bytes.
  const padded = pad >= 9 ? `${body},"pad":"${"x".repeat(pad - 9)}"` : body;
  // The marker counts itself: settle the length (the digit count moves at most once).
  let length = padded.length + markerFor(0).length;
  while (padded.length + markerFor(length).length !== length) length = padded.length + markerFor(length).length;
  return `${padded}${markerFor(length)}`;
}

export function initLine(sessionId: string, seq: number, now: number): string {
  return withMarker(
    `{"type":"system","subtype":"init","session_id":"${sessionId}","model":"claude-sonnet-4-6","cwd":"/paperclip","tools":[]`,
    seq,
    now,
  );
}

export function assistantLine(sessionId: string, seq: number, now: number, bytes = SMALL_LINE_BYTES): string {
  return withMarker(
    `{"type":"assistant","message":{"role":"assistant","content":[{"type":"text","text":"step ${seq}"}]},"session_id":"${sessionId}"`,
    seq,
    now,
    bytes,
  );
}

/** A tool result line of `bytes` (one write of a megabyte, as claude does for a large tool result). */
export function toolResultLine(sessionId: string, seq: number, now: number, bytes = BIG_LINE_BYTES): string {
  return withMarker(
    `{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_${seq}","content":"big"}]},"session_id":"${sessionId}"`,
    seq,
    now,
    bytes,
  );
}

const RESULT_FIELDS = {
  success: `"subtype":"success","is_error":false,"result":"bench: done"`,
  failed: `"subtype":"error_during_execution","is_error":true,"result":"bench: deliberate failure"`,
  "max-turns": `"subtype":"error_max_turns","is_error":true,"result":"Reached maximum number of turns (1)"`,
} as const;

export type ResultEnding = keyof typeof RESULT_FIELDS;

export function resultLine(sessionId: string, seq: number, now: number, ending: ResultEnding): string {
  const outcome = RESULT_FIELDS[ending];
  return withMarker(
    `{"type":"result",${outcome},"session_id":"${sessionId}","num_turns":1,"total_cost_usd":0.01,"usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":0,"cache_creation_input_tokens":0}`,
    seq,
    now,
  );
}

export function stderrLine(seq: number, now: number): string {
  return withMarker(`{"stand-in":"stderr line"`, seq, now);
}

/** The marker at the end of a line's text (without its newline), or null when there is none. */
export function readMarker(lineEnd: string): LineMarker | null {
  const match = MARKER.exec(lineEnd);
  if (!match) return null;
  return { seq: Number(match[1]), writtenAt: Number(match[2]), length: Number(match[3]) };
}
