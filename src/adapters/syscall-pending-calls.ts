/**
 * A call waiting for the syscall worker, and the calls waiting per caller signal, so a cancelled
 * caller stops waiting at once: one abort listener per signal (a run makes calls all its life),
 * not one per call.
 */
import { FileSystemError } from "../ports/file-system-port.js";
import type { Call } from "./syscall-worker-protocol.js";
import type { CallResult } from "./syscall-worker-replies.js";

export class PendingCall {
  settled = false;

  constructor(
    readonly call: Call,
    readonly path: string,
    readonly signal: AbortSignal | undefined,
    /** Closes run whatever happens: their caller's leaving must not leak a descriptor. */
    readonly mustRun: boolean,
    private readonly signals: CallSignals,
    private readonly onResult: (result: CallResult) => void,
    private readonly onError: (error: FileSystemError) => void,
  ) {}

  resolve(result: CallResult): void {
    if (this.settle()) this.onResult(result);
  }

  reject(error: FileSystemError): void {
    if (this.settle()) this.onError(error);
  }

  /** Its caller's signal aborted while it waited. */
  abandon(): void {
    this.reject(
      new FileSystemError("ECANCELED", this.path, `abandoned: the run was cancelled while waiting on ${this.path}`),
    );
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.signals.forget(this);
    return true;
  }
}

export class CallSignals {
  private readonly bySignal = new WeakMap<AbortSignal, Set<PendingCall>>();

  watch(call: PendingCall): void {
    const signal = call.signal;
    if (signal === undefined) return;
    let waiting = this.bySignal.get(signal);
    if (waiting === undefined) {
      const calls = new Set<PendingCall>();
      waiting = calls;
      this.bySignal.set(signal, calls);
      signal.addEventListener(
        "abort",
        () => {
          this.bySignal.delete(signal);
          for (const waiter of [...calls]) waiter.abandon();
        },
        { once: true },
      );
    }
    waiting.add(call);
  }

  forget(call: PendingCall): void {
    const signal = call.signal;
    if (signal === undefined) return;
    // The set and its one listener live as long as the signal.
    this.bySignal.get(signal)?.delete(call);
  }
}
