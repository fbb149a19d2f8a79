/**
 * The main thread's side of quiet watches (FileSystemPort.watchQuiet on the syscall worker): a
 * quiet run's slow polls run on the worker (syscall-worker-watch-main.ts), which posts only the
 * watches whose check found something, so a run whose files do not change costs the main thread
 * no message, promise or timer per poll.
 *
 * A check stuck in the kernel holds the worker as a stuck batch would: a monitor that runs while
 * watches exist notices a tick that has not ended within the call bound, ends every watch (their
 * followers poll, and meet the stuck worker as any call does) and marks the worker stuck until
 * that tick returns.
 */
import type { QuietWatch } from "../ports/file-system-port.js";
import {
  TICK_ABANDONED_SLOT,
  TICKING_SLOT,
  TICKS_SLOT,
  type WatchReport,
  type WatchStart,
  type WatchStop,
} from "./syscall-worker-watch-main.js";

type WatchEnd = "changed" | "woken";

export interface WatchWorkerLink {
  /** Posts to the worker, starting it if needed. */
  post(message: WatchStart | WatchStop): void;
  /** Keeps the process alive while something waits on the worker, or lets it go. */
  holdProcess(hold: boolean): void;
  /** A tick outlived the bound: new calls must fail fast until it returns (`false` once it has). */
  markStuck(stuck: boolean): void;
}

export class QuietWatches {
  private readonly live = new Map<number, (end: WatchEnd) => void>();
  private nextId = 1;
  private monitor: ReturnType<typeof setInterval> | null = null;
  /** The tick count and whether a tick ran, at the monitor's last look. */
  private lastLook: { readonly ticks: number; readonly ticking: boolean } | null = null;

  constructor(
    private readonly state: Int32Array,
    private readonly link: WatchWorkerLink,
    private readonly callTimeoutMs: number,
  ) {}

  get size(): number {
    return this.live.size;
  }

  /** `start` is the request as the worker reads it (null: the paths cannot be watched, so it ends at once). */
  watch(start: Omit<WatchStart, "kind" | "id"> | null): QuietWatch {
    let settle!: (end: WatchEnd) => void;
    const done = new Promise<WatchEnd>((resolve) => (settle = resolve));
    if (start === null) {
      settle("changed");
      return { done, wake: () => undefined };
    }
    const id = this.nextId++;
    this.live.set(id, (end) => {
      if (!this.live.delete(id)) return;
      this.changedSize();
      settle(end);
    });
    this.link.post({ kind: "watch", id, ...start });
    this.changedSize();
    return {
      done,
      wake: () => {
        const end = this.live.get(id);
        if (end === undefined) return;
        this.link.post({ kind: "unwatch", id });
        end("woken");
      },
    };
  }

  /** What the worker reported. */
  onReport(report: WatchReport): void {
    if (report.kind === "unstuck") {
      this.link.markStuck(false);
      return;
    }
    for (const id of report.ids) this.live.get(id)?.("changed");
  }

  /** Ends every watch: their followers poll now (the worker failed, stopped or is stuck). */
  endAll(): void {
    for (const end of [...this.live.values()]) end("changed");
  }

  private changedSize(): void {
    const watching = this.live.size > 0;
    this.link.holdProcess(watching);
    if (watching && this.monitor === null) {
      this.lastLook = null;
      this.monitor = setInterval(() => this.look(), this.callTimeoutMs);
      this.monitor.unref();
    } else if (!watching && this.monitor !== null) {
      clearInterval(this.monitor);
      this.monitor = null;
    }
  }

  /** A tick still running that was already running at the last look has outlived the bound. */
  private look(): void {
    const ticks = Atomics.load(this.state, TICKS_SLOT);
    const ticking = Atomics.load(this.state, TICKING_SLOT) === 1;
    const last = this.lastLook;
    this.lastLook = { ticks, ticking };
    if (!ticking || last === null || !last.ticking || last.ticks !== ticks) return;
    Atomics.store(this.state, TICK_ABANDONED_SLOT, 1);
    this.link.markStuck(true);
    this.endAll();
  }
}
