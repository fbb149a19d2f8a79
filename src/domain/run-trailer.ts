/**
 * The end-of-stream trailer: after claude exits, the pod's run script writes this small JSON file
 * atomically (temp file + rename) next to the logs. It is the protocol that ends tailing: the
 * reader is done when it has delivered exactly `stdoutBytes` and `stderrBytes`.
 *
 * Wire format (one line): {"version":1,"exitCode":0,"stdoutBytes":1234,"stderrBytes":0}
 *
 * The pod writes it, so it is hostile input: only the byte counts end the tail; the exit code is
 * checked against the container's terminated state, never trusted over it; its bytes never appear
 * in a message (describeTrailerProblem says what is wrong without quoting them).
 */
export interface RunTrailer {
  readonly version: 1;
  /** claude's exit status as the pod's script claims it (128 + n when killed by signal n). */
  readonly exitCode: number;
  /** Exact size of the stdout log file when claude had exited. */
  readonly stdoutBytes: number;
  /** Exact size of the stderr log file when claude had exited. */
  readonly stderrBytes: number;
}

export const TRAILER_MAX_BYTES = 4096;

const isCount = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= 0;

/** Parses trailer text; null when it is not a complete, well-formed trailer. */
export function parseRunTrailer(text: string): RunTrailer | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  if (record.version !== 1) return null;
  if (!isCount(record.exitCode) || record.exitCode > 255) return null;
  if (!isCount(record.stdoutBytes) || !isCount(record.stderrBytes)) return null;
  return {
    version: 1,
    exitCode: record.exitCode,
    stdoutBytes: record.stdoutBytes,
    stderrBytes: record.stderrBytes,
  };
}

const TRAILER_FIELDS = ["exitCode", "stdoutBytes", "stderrBytes"] as const;

/** Why trailer text is not a trailer, in the adapter's words: e.g. "the trailer is not valid JSON (312 bytes)". */
export function describeTrailerProblem(text: string, byteLength: number): string {
  const size = `${byteLength} bytes`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `the trailer is not valid JSON (${size})`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `the trailer is JSON but not an object (${size})`;
  }
  const record = value as Record<string, unknown>;
  if (record.version !== 1) return `the trailer is not a version 1 trailer (${size})`;
  const bad = TRAILER_FIELDS.filter(
    (field) => !isCount(record[field]) || (field === "exitCode" && record[field] > 255),
  );
  return `the trailer's ${bad.join(", ") || "fields"} ${bad.length === 1 ? "is" : "are"} missing or out of range (${size})`;
}
