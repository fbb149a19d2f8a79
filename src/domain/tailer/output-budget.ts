/**
 * A run's output caps, shared by its stdout and stderr: the file bytes read as lines (a cut line
 * counts whole, skipped rest included) and the lines delivered. Whatever a pod writes, a run ends
 * with a named failure once either cap would be passed, instead of feeding the host forever.
 */
import { runFailure, type RunFailure } from "../errors.js";

export interface OutputLimits {
  readonly maxOutputBytes: number;
  readonly maxOutputLines: number;
}

/** The default caps (see the `maxOutputBytes` and `maxOutputLines` config fields). */
export const DEFAULT_OUTPUT_LIMITS: OutputLimits = {
  maxOutputBytes: 1024 * 1024 * 1024,
  maxOutputLines: 1_000_000,
};

export class OutputBudget {
  private bytes = 0;
  private lines = 0;
  private exceeded: RunFailure | null = null;

  constructor(private readonly limits: OutputLimits) {}

  /** The failure once a cap was passed, else null. */
  get failure(): RunFailure | null {
    return this.exceeded;
  }

  /** Admits one line of `bytes` file bytes; false (and the failure set) when it would pass a cap. */
  admitLine(bytes: number, path: string): boolean {
    if (this.exceeded !== null) return false;
    if (this.lines + 1 > this.limits.maxOutputLines) return this.exceed("maxOutputLines", path);
    if (this.bytes + bytes > this.limits.maxOutputBytes) return this.exceed("maxOutputBytes", path);
    this.lines += 1;
    this.bytes += bytes;
    return true;
  }

  /** Counts bytes read but not delivered (the rest of a cut line); false when they pass the byte cap. */
  admitSkipped(bytes: number, path: string): boolean {
    if (this.exceeded !== null) return false;
    if (bytes === 0) return true;
    this.bytes += bytes;
    return this.bytes <= this.limits.maxOutputBytes || this.exceed("maxOutputBytes", path);
  }

  private exceed(limit: keyof OutputLimits, path: string): false {
    const max = this.limits[limit];
    this.exceeded = runFailure("k8s_pod_output_limit_exceeded", {
      limit,
      max,
      unit: limit === "maxOutputLines" ? "lines" : "bytes",
      path,
    });
    return false;
  }
}
