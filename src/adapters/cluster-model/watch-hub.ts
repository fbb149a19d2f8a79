import type { WatchEventType } from "../../ports/kubernetes-objects.js";
import type { KubernetesApiError, WatchObserver, WatchSubscription } from "../../ports/kubernetes-port.js";
import type { LabelSelector } from "./label-selector.js";

interface Watcher<T> {
  readonly namespace: string;
  readonly selector: LabelSelector;
  readonly observer: WatchObserver<T>;
  active: boolean;
}

interface Labelled {
  readonly metadata: { namespace?: string; labels?: Record<string, string> };
}

/**
 * In-process watches of the cluster model (the local runtime's, the unit-test fake's):
 * namespace-wide, label-selected watches over one kind of object, existing objects first as
 * ADDED, then every change. Observers get their own copy, and one observer's exception never
 * stops delivery to the others.
 */
export class WatchHub<T extends Labelled> {
  private readonly watchers: Array<Watcher<T>> = [];

  subscribe(
    namespace: string,
    selector: LabelSelector,
    observer: WatchObserver<T>,
    existing: Iterable<T>,
  ): WatchSubscription {
    const watcher: Watcher<T> = { namespace, selector, observer, active: true };
    this.watchers.push(watcher);
    for (const object of existing) this.deliver(watcher, "ADDED", object);
    return {
      stop: () => {
        watcher.active = false;
        const index = this.watchers.indexOf(watcher);
        if (index >= 0) this.watchers.splice(index, 1);
      },
    };
  }

  emit(type: WatchEventType, object: T): void {
    for (const watcher of [...this.watchers]) this.deliver(watcher, type, object);
  }

  get size(): number {
    return this.watchers.length;
  }

  /**
   * Ends every open watch, as a broken connection would: with `error` each observer hears why;
   * without, they just go silent (a stalled stream). Returns how many were open.
   */
  interrupt(error?: KubernetesApiError): number {
    const interrupted = this.watchers.splice(0);
    for (const watcher of interrupted) {
      watcher.active = false;
      if (error) watcher.observer.onError?.(error);
    }
    return interrupted.length;
  }

  private deliver(watcher: Watcher<T>, type: WatchEventType, object: T): void {
    if (!watcher.active || watcher.namespace !== object.metadata.namespace) return;
    if (!watcher.selector(object.metadata.labels)) return;
    try {
      watcher.observer.onEvent(type, structuredClone(object));
    } catch {
      // An observer's bug is its own; the runtime keeps delivering to everyone else.
    }
  }
}
