/**
 * The shape of every run wait: subscribe to the hub, re-evaluate the run's snapshot on each event
 * (no polling), and finish on a verdict, on the budget (ClockPort), or on the caller's abort.
 * Whatever happens, the subscription is closed and the budget timer cancelled exactly once.
 */
import type { ClockPort } from "../../ports/clock-port.js";
import type { RunJob } from "../run/run-phases.js";
import type { ClusterWatchHub, RunSnapshot, RunWatchHandle } from "./cluster-watch-hub.js";

/** The run's Job, and how long and until when to wait on it. */
export interface RunEventWaitTarget extends RunJob {
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  /**
   * After this long without an event for the run, `onQuiet` is called (and again after each further
   * quiet period): a watch can stall silently, and the run must not wait on it alone.
   */
  readonly quietMs?: number;
}

export interface RunEventWaitControl<R> {
  /** Ends the wait with this result (a no-op once it has ended). */
  finish(result: R): void;
  /** Evaluates the snapshot again after `ms`, for verdicts that depend on time only. */
  recheckAfter(ms: number): void;
  /** Fires when the wait ends, to cancel side work (sleeps, retries). */
  readonly ended: AbortSignal;
}

export interface RunEventWaitHandlers<R> {
  /** A verdict, or undefined to keep waiting. */
  evaluate(snapshot: RunSnapshot, control: RunEventWaitControl<R>): R | undefined;
  expired(snapshot: RunSnapshot): R;
  cancelled(): R;
  /** Called on subscription with the current health, then on every change. */
  onWatchHealth?(healthy: boolean, control: RunEventWaitControl<R>): void;
  /** The run's objects have been quiet for `quietMs`: check them another way (a GET). */
  onQuiet?(control: RunEventWaitControl<R>): Promise<void>;
}

export function waitOnRunEvents<R>(
  hub: ClusterWatchHub,
  clock: ClockPort,
  target: RunEventWaitTarget,
  handlers: RunEventWaitHandlers<R>,
): Promise<R> {
  return new Promise<R>((resolve) => {
    const ended = new AbortController();
    // Set once subscribed; finish() may run before that (a verdict while subscribing).
    const subscription: { handle?: RunWatchHandle } = {};
    const snapshot = () => hub.snapshot(target.namespace, target.jobName);
    const onAbort = () => control.finish(handlers.cancelled());
    const control: RunEventWaitControl<R> = {
      ended: ended.signal,
      finish: (result) => {
        if (ended.signal.aborted) return;
        ended.abort();
        target.signal?.removeEventListener("abort", onAbort);
        subscription.handle?.close();
        resolve(result);
      },
      recheckAfter: (ms) => {
        void clock.sleep(ms, ended.signal).then((outcome) => {
          if (outcome === "elapsed") check();
        });
      },
    };
    const check = () => {
      if (ended.signal.aborted) return;
      const verdict = handlers.evaluate(snapshot(), control);
      if (verdict !== undefined) control.finish(verdict);
    };

    if (target.signal?.aborted) return control.finish(handlers.cancelled());
    target.signal?.addEventListener("abort", onAbort, { once: true });
    let lastEventAt = clock.monotonicMs();
    const onEvent = () => {
      lastEventAt = clock.monotonicMs();
      check();
    };
    const handle = hub.watchRun(target.namespace, target.jobName, {
      onJob: onEvent,
      onPod: onEvent,
      onWatchHealth: (healthy) => {
        handlers.onWatchHealth?.(healthy, control);
        check();
      },
    });
    subscription.handle = handle;
    // The verdict may have come while subscribing, before the handle existed.
    if (ended.signal.aborted) handle.close();
    check();
    if (!ended.signal.aborted) handlers.onWatchHealth?.(hub.isHealthy(target.namespace), control);
    void clock.sleep(Math.max(0, target.budgetMs), ended.signal).then((outcome) => {
      if (outcome === "elapsed") control.finish(handlers.expired(snapshot()));
    });
    const { quietMs } = target;
    const onQuiet = handlers.onQuiet;
    if (onQuiet && quietMs !== undefined && quietMs > 0) {
      void (async () => {
        while (!ended.signal.aborted) {
          const wait = lastEventAt + quietMs - clock.monotonicMs();
          if ((await clock.sleep(Math.max(wait, 1), ended.signal)) === "aborted") return;
          if (clock.monotonicMs() - lastEventAt < quietMs) continue;
          await onQuiet(control);
          lastEventAt = clock.monotonicMs();
        }
      })();
    }
  });
}
