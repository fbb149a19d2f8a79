/**
 * The reader's side of the bench: every chunk `execute()` hands to `onLog` goes through a
 * StreamLedger, which joins the pieces of long lines, reads each line's marker and records what
 * arrived (lost, duplicated, cut lines) and how late (write→onLog latency). Status lines written by
 * the adapter itself (`[claude-k8s] …`) are counted apart.
 */
import { MARKER_TAIL_CHARS, readMarker } from "./bench-lines.js";

/** Lines at least this long are also timed apart (the 1 MB tool results). */
const BIG_LINE_MIN_CHARS = 64 * 1024;

export interface StreamTally {
  /** Distinct sequence numbers in [0, expected) received. */
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Lines whose length disagrees with their marker, with no marker, or out of range. */
  readonly corrupt: number;
}

export class StreamLedger {
  private readonly seen = new Set<number>();
  private lineLength = 0;
  private lineEnd = "";
  private duplicates = 0;
  private corrupt = 0;
  /** Adapter status lines (`[claude-k8s] …`) seen on this stream. */
  statusLines = 0;

  /** `latencies` collects write→onLog milliseconds of every whole line, across runs; `big` those of long lines. */
  constructor(
    private readonly latencies: number[],
    private readonly bigLatencies: number[],
  ) {}

  accept(chunk: string, receivedAt: number): void {
    if (this.lineLength === 0 && chunk.startsWith("[claude-k8s]")) {
      this.statusLines += 1;
      return;
    }
    const ends = chunk.endsWith("\n");
    const text = ends ? chunk.slice(0, -1) : chunk;
    this.lineLength += text.length;
    this.lineEnd =
      text.length >= MARKER_TAIL_CHARS
        ? text.slice(-MARKER_TAIL_CHARS)
        : (this.lineEnd + text).slice(-MARKER_TAIL_CHARS);
    if (ends) this.completeLine(receivedAt);
  }

  /** What arrived, judged against what the writer says it wrote. */
  tally(expected: number): StreamTally {
    let received = 0;
    for (const seq of this.seen) if (seq < expected) received += 1;
    const outOfRange = this.seen.size - received;
    return {
      received,
      lost: expected - received,
      duplicated: this.duplicates,
      corrupt: this.corrupt + outOfRange + (this.lineLength > 0 ? 1 : 0),
    };
  }

  private completeLine(receivedAt: number): void {
    const marker = readMarker(this.lineEnd);
    if (marker === null || marker.length !== this.lineLength) {
      this.corrupt += 1;
    } else if (this.seen.has(marker.seq)) {
      this.duplicates += 1;
    } else {
      this.seen.add(marker.seq);
      this.latencies.push(receivedAt - marker.writtenAt);
      if (marker.length >= BIG_LINE_MIN_CHARS) this.bigLatencies.push(receivedAt - marker.writtenAt);
    }
    this.lineLength = 0;
    this.lineEnd = "";
  }
}

/** One run's two streams. */
export class RunLedger {
  readonly stdout: StreamLedger;
  readonly stderr: StreamLedger;

  constructor(latencies: number[], bigLatencies: number[]) {
    this.stdout = new StreamLedger(latencies, bigLatencies);
    this.stderr = new StreamLedger(latencies, bigLatencies);
  }

  accept(stream: "stdout" | "stderr", chunk: string): void {
    (stream === "stdout" ? this.stdout : this.stderr).accept(chunk, Date.now());
  }
}
