/** The tailer's tunables, their defaults, and their validation. */
import { DEFAULT_OUTPUT_LIMITS } from "./output-budget.js";
import { DEFAULT_MAX_LINE_BYTES, MIN_LINE_BYTES } from "./utf8-line-framer.js";

export interface TailOptions {
  /** How long to wait for the stdout file to appear. */
  appearTimeoutMs: number;
  /** How long to keep reading after the writer is known to be gone (pod terminated or trailer seen). */
  drainTimeoutMs: number;
  /**
   * Polls start this far apart while the files grow, and while waiting for stdout to appear (after a
   * poll that took longer than half of it, the pause is that half).
   */
  fastPollMs: number;
  /** Poll interval once the files have been idle for `idlePollsBeforeSlow` polls. */
  slowPollMs: number;
  idlePollsBeforeSlow: number;
  /** Largest read per follower (two such buffers while reading ahead on a backlog). */
  chunkBytes: number;
  /** Consecutive polls that may fail with a transient error (ESTALE, EIO, ENOENT after open) before giving up. */
  readRetryLimit: number;
  /** Longest pause between retries of a transient error (the backoff doubles from `fastPollMs` up to this). */
  maxRetryBackoffMs: number;
  /** The longest line held in memory; a longer one is delivered cut, with a marker. */
  maxLineBytes: number;
  /** Per run, stdout and stderr together: file bytes read as lines before the tail fails with `k8s_pod_output_limit_exceeded`. */
  maxOutputBytes: number;
  /** Per run, stdout and stderr together: lines delivered before the tail fails with `k8s_pod_output_limit_exceeded`. */
  maxOutputLines: number;
}

export const DEFAULT_TAIL_OPTIONS: Readonly<TailOptions> = {
  appearTimeoutMs: 30_000,
  drainTimeoutMs: 30_000,
  fastPollMs: 250,
  slowPollMs: 1_000,
  idlePollsBeforeSlow: 5,
  // The largest read: reached only while catching up on a backlog (reads start at 1 KiB, or 1/16 of it).
  chunkBytes: 1024 * 1024,
  readRetryLimit: 8,
  maxRetryBackoffMs: 4_000,
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  ...DEFAULT_OUTPUT_LIMITS,
};

const MINIMUM: Readonly<TailOptions> = {
  appearTimeoutMs: 0,
  drainTimeoutMs: 0,
  fastPollMs: 1,
  slowPollMs: 1,
  idlePollsBeforeSlow: 0,
  chunkBytes: 1,
  readRetryLimit: 0,
  maxRetryBackoffMs: 1,
  maxLineBytes: MIN_LINE_BYTES,
  maxOutputBytes: 1,
  maxOutputLines: 1,
};

/** Undefined entries fall back, so callers may spread partial objects with holes. */
type Overrides = { readonly [K in keyof TailOptions]?: number | undefined };

/** Layers overrides over defaults; returns the first invalid field's description instead of options. */
export function resolveTailOptions(
  ...layers: readonly (Overrides | undefined)[]
): { ok: true; options: TailOptions } | { ok: false; problem: string } {
  const options: TailOptions = { ...DEFAULT_TAIL_OPTIONS };
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(DEFAULT_TAIL_OPTIONS) as (keyof TailOptions)[]) {
      const value = layer[key];
      if (value !== undefined) options[key] = value;
    }
  }
  for (const key of Object.keys(MINIMUM) as (keyof TailOptions)[]) {
    const value = options[key];
    if (!Number.isSafeInteger(value) || value < MINIMUM[key]) {
      return { ok: false, problem: `tail option ${key}=${String(value)} must be an integer >= ${MINIMUM[key]}` };
    }
  }
  return { ok: true, options };
}
