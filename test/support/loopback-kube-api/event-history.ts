/**
 * The window of recent changes a watch can resume from, per resource. A resume from a
 * resourceVersion older than the window is answered with 410 Expired, as etcd compaction does.
 */
import type { Change, ResourceName } from "../../../src/adapters/cluster-model/object-store.js";

export class EventHistory {
  private readonly events: { [R in ResourceName]: Change[] } = { jobs: [], pods: [], secrets: [] };
  /** Resuming from a resourceVersion below this needs events that are gone. */
  private readonly oldestResumable: Record<ResourceName, number> = { jobs: 0, pods: 0, secrets: 0 };

  constructor(private readonly limit: number) {}

  record(change: Change): void {
    const window = this.events[change.resource];
    window.push(change);
    if (window.length > this.limit) {
      const dropped = window.splice(0, window.length - this.limit);
      const last = dropped[dropped.length - 1];
      if (last) this.oldestResumable[change.resource] = last.resourceVersion;
    }
  }

  /** Forgets everything before `resourceVersion`: every resume from an older version gets 410. */
  expire(resourceVersion: number): void {
    for (const resource of Object.keys(this.events) as ResourceName[]) {
      this.events[resource] = [];
      this.oldestResumable[resource] = resourceVersion;
    }
  }

  canResumeFrom(resource: ResourceName, resourceVersion: number): boolean {
    return resourceVersion >= this.oldestResumable[resource];
  }

  oldest(resource: ResourceName): number {
    return this.oldestResumable[resource];
  }

  /** Changes after `resourceVersion`, oldest first. */
  since(resource: ResourceName, resourceVersion: number): Change[] {
    return this.events[resource].filter((c) => c.resourceVersion > resourceVersion);
  }
}
