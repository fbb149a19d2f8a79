/**
 * Hands one stream's bytes to the sink as lines, in order, awaiting the sink (backpressure), and
 * counts what was delivered. Stops between lines when the run is cancelled or the sink throws.
 */
import type { LineSink, LogStream, StreamTotals } from "./tail-types.js";
import { Utf8LineFramer } from "./utf8-line-framer.js";

export type DeliveryStop = "cancelled" | "sink_failed";

export class StreamDelivery {
  private readonly framer = new Utf8LineFramer();
  private bytes = 0;
  private lines = 0;
  private sinkError: unknown = undefined;
  private sinkFailed = false;

  constructor(
    readonly stream: LogStream,
    private readonly sink: LineSink,
    private readonly signal: AbortSignal | undefined,
  ) {}

  get totals(): StreamTotals {
    return { bytes: this.bytes, lines: this.lines };
  }

  /** Bytes received but not yet delivered (the unfinished last line). */
  get heldBytes(): number {
    return this.framer.heldBytes;
  }

  /** Why delivery stopped, or null while it may go on. */
  get stopped(): DeliveryStop | null {
    if (this.sinkFailed) return "sink_failed";
    return this.signal?.aborted ? "cancelled" : null;
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
      if (this.stopped !== null || !(await this.deliver(line))) {
        this.framer.load(new Uint8Array(0));
        return false;
      }
    }
    return true;
  }

  /** Delivers the unfinished last line at end of stream; false if the sink failed. */
  async flush(): Promise<boolean> {
    if (this.sinkFailed) return false;
    const line = this.framer.flush();
    return line === null ? true : this.deliver(line);
  }

  private async deliver(line: string): Promise<boolean> {
    const size = this.framer.lastLineBytes;
    try {
      const pending = this.sink(this.stream, `${line}\n`);
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
