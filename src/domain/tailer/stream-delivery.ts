/**
 * Hands one stream's bytes to the sink as lines, in order, awaiting the sink (backpressure), and
 * counts what was delivered. Stops between lines when the run is cancelled, the sink throws, or the
 * run's output budget is spent.
 *
 * A line longer than `maxLineBytes` reaches the sink as its head followed by `cutLineMarker`, with
 * `cut` set; the marker makes sure that no cut line, whatever its head, parses as JSON.
 */
import type { RunFailure } from "../errors.js";
import { DEFAULT_OUTPUT_LIMITS, OutputBudget } from "./output-budget.js";
import type { LineSink, LogStream, StreamTotals } from "./tail-types.js";
import { DEFAULT_MAX_LINE_BYTES, Utf8LineFramer } from "./utf8-line-framer.js";

export type DeliveryStop = "cancelled" | "sink_failed" | "output_limit";

/**
 * Appended to a cut line's head. It starts outside any JSON token ("...") and holds no quote, so
 * the head plus marker is never valid JSON: a cut stream-json event can never pass for a whole one.
 */
export function cutLineMarker(maxLineBytes: number): string {
  return ` ... [claude-k8s: line cut at maxLineBytes (${maxLineBytes} bytes); the rest of it was skipped]`;
}

/** The bounds of one stream's delivery; each defaults to the tailer's default. */
export interface DeliveryBounds {
  /** The file, as named in a cap failure. */
  readonly path?: string;
  /** The run's caps, shared with its other stream. */
  readonly budget?: OutputBudget;
  readonly maxLineBytes?: number;
}

export class StreamDelivery {
  private readonly framer: Utf8LineFramer;
  private bytes = 0;
  private lines = 0;
  private sinkError: unknown = undefined;
  private sinkFailed = false;

  private readonly path: string;
  private readonly budget: OutputBudget;

  constructor(
    readonly stream: LogStream,
    private readonly sink: LineSink,
    private readonly signal: AbortSignal | undefined,
    bounds: DeliveryBounds = {},
  ) {
    const maxLineBytes = bounds.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    // The marker and newline are decoded with a cut head: no second copy of megabytes to append them.
    this.framer = new Utf8LineFramer(maxLineBytes, `${cutLineMarker(maxLineBytes)}\n`);
    this.budget = bounds.budget ?? new OutputBudget(DEFAULT_OUTPUT_LIMITS);
    this.path = bounds.path ?? stream;
  }

  /** File bytes consumed as lines (a cut line's skipped rest included) and lines delivered. */
  get totals(): StreamTotals {
    return { bytes: this.bytes, lines: this.lines };
  }

  /** Why delivery stopped, or null while it may go on. */
  get stopped(): DeliveryStop | null {
    if (this.sinkFailed) return "sink_failed";
    if (this.budget.failure !== null) return "output_limit";
    return this.signal?.aborted ? "cancelled" : null;
  }

  /** The run's output cap that was passed, once delivery stopped for it. */
  get budgetFailure(): RunFailure | null {
    return this.budget.failure;
  }

  /** What the sink threw, for the failure's detail. */
  get sinkFailure(): unknown {
    return this.sinkError;
  }

  /**
   * Delivers every complete line in `chunk` and keeps the rest. Returns false if it stopped
   * early; the caller may reuse `chunk` as soon as this settles.
   */
  async accept(chunk: Uint8Array): Promise<boolean> {
    if (this.stopped !== null) return false;
    this.framer.load(chunk);
    for (let line = this.framer.next(); line !== null; line = this.framer.next()) {
      if (this.stopped !== null || !(await this.deliver(line)) || !this.countSkipped()) {
        this.framer.load(new Uint8Array(0));
        return false;
      }
    }
    return this.countSkipped();
  }

  /** Delivers the unfinished last line at end of stream; false if delivery stopped. */
  async flush(): Promise<boolean> {
    if (this.stopped === "sink_failed" || this.stopped === "output_limit") return false;
    const line = this.framer.flush();
    return line === null ? true : this.deliver(line);
  }

  private countSkipped(): boolean {
    const skipped = this.framer.takeSkippedBytes();
    if (!this.budget.admitSkipped(skipped, this.path)) return false;
    this.bytes += skipped;
    return true;
  }

  private async deliver(line: string): Promise<boolean> {
    const size = this.framer.lastLineBytes;
    const cut = this.framer.lastLineCut;
    if (!this.budget.admitLine(size, this.path)) return false;
    try {
      const pending = this.sink(this.stream, cut ? line : `${line}\n`, cut);
      // Await only real promises: a synchronous sink costs no extra microtask per line.
      if (pending !== undefined) await pending;
    } catch (error) {
      this.sinkFailed = true;
      this.sinkError = error;
      return false;
    }
    this.bytes += size;
    this.lines += 1;
    return true;
  }
}
