/**
 * The ports of one Paperclip server process that can die. After `die()` nothing that server
 * started acts again — no API call, file read or timer returns, no watch event arrives, its watch
 * connections close — exactly what the cluster and the shared volume see when the process is
 * killed. A test uses it to leave an orphaned Job behind for a "restarted" server to adopt.
 */
import type { ClockPort, SleepOutcome } from "../../../src/ports/clock-port.js";
import type { FileStatus, FileSystemPort, OpenFile } from "../../../src/ports/file-system-port.js";
import type { KubernetesPort, WatchObserver, WatchSubscription } from "../../../src/ports/kubernetes-port.js";

export class MortalServer {
  private dead = false;
  private readonly watches = new Set<WatchSubscription>();
  /** Files the server holds open: a dead process's descriptors are closed by the kernel. */
  private readonly openFiles = new Set<OpenFile>();

  readonly kubernetes: KubernetesPort;
  readonly fileSystem: FileSystemPort;
  readonly clock: ClockPort;

  constructor(kubernetes: KubernetesPort, fileSystem: FileSystemPort, clock: ClockPort) {
    this.kubernetes = this.mortalKubernetes(kubernetes);
    this.fileSystem = this.mortalFileSystem(fileSystem);
    this.clock = {
      now: () => clock.now(),
      monotonicMs: () => clock.monotonicMs(),
      sleep: (ms: number, signal?: AbortSignal): Promise<SleepOutcome> =>
        this.whileAlive(() => clock.sleep(ms, signal)),
    };
  }

  get isDead(): boolean {
    return this.dead;
  }

  die(): void {
    this.dead = true;
    for (const watch of this.watches) watch.stop();
    this.watches.clear();
    for (const file of this.openFiles) void file.close().catch(() => undefined);
    this.openFiles.clear();
  }

  /** A call that never settles once the server is dead, even if it was already in flight. */
  private whileAlive<T>(call: () => Promise<T>): Promise<T> {
    const never = new Promise<T>(() => undefined);
    if (this.dead) return never;
    return call().then(
      (value) => (this.dead ? never : value),
      (error: unknown) => (this.dead ? never : Promise.reject(error)),
    );
  }

  private watch<T>(
    start: (observer: WatchObserver<T>) => WatchSubscription,
    observer: WatchObserver<T>,
  ): WatchSubscription {
    const subscription = start({
      onEvent: (type, object) => {
        if (!this.dead) observer.onEvent(type, object);
      },
      onError: (error) => {
        if (!this.dead) observer.onError?.(error);
      },
    });
    this.watches.add(subscription);
    return {
      stop: () => {
        this.watches.delete(subscription);
        subscription.stop();
      },
    };
  }

  private mortalKubernetes(k: KubernetesPort): KubernetesPort {
    const alive = <T>(call: () => Promise<T>) => this.whileAlive(call);
    return {
      currentNamespace: () => alive(() => k.currentNamespace()),
      readOwnPod: () => alive(() => k.readOwnPod()),
      createJob: (ns, job) => alive(() => k.createJob(ns, job)),
      readJob: (ns, name) => alive(() => k.readJob(ns, name)),
      listJobs: (ns, selector) => alive(() => k.listJobs(ns, selector)),
      resumeJob: (ns, name) => alive(() => k.resumeJob(ns, name)),
      deleteJob: (ns, name, propagation) => alive(() => k.deleteJob(ns, name, propagation)),
      createOwnedSecret: (ns, secret, owner) => alive(() => k.createOwnedSecret(ns, secret, owner)),
      listPods: (ns, selector) => alive(() => k.listPods(ns, selector)),
      readVolumeClaimAccessModes: (ns, claim) => alive(() => k.readVolumeClaimAccessModes(ns, claim)),
      reviewAccess: (checks) => alive(() => k.reviewAccess(checks)),
      watchJobs: (ns, selector, observer) => this.watch((o) => k.watchJobs(ns, selector, o), observer),
      watchPods: (ns, selector, observer) => this.watch((o) => k.watchPods(ns, selector, o), observer),
    };
  }

  private mortalFileSystem(f: FileSystemPort): FileSystemPort {
    const alive = <T>(call: () => Promise<T>) => this.whileAlive(call);
    const mortalFile = (file: OpenFile): OpenFile => {
      this.openFiles.add(file);
      return {
        read: (buffer, offset, length, position) => alive(() => file.read(buffer, offset, length, position)),
        status: (): Promise<FileStatus> => alive(() => file.status()),
        close: () =>
          alive(() => {
            this.openFiles.delete(file);
            return file.close();
          }),
      };
    };
    return {
      open: (path) => alive(async () => mortalFile(await f.open(path))),
      status: (path) => alive(() => f.status(path)),
      readSmallFile: (path, maxBytes) => alive(() => f.readSmallFile(path, maxBytes)),
      writeFileAtomic: (path, data, mode) => alive(() => f.writeFileAtomic(path, data, mode)),
      makeDirectory: (path, mode) => alive(() => f.makeDirectory(path, mode)),
      unlink: (path) => alive(() => f.unlink(path)),
      removeDirectory: (path, scope) => alive(() => f.removeDirectory(path, scope)),
      listDirectory: (path, scope) => alive(async () => (f.listDirectory ? f.listDirectory(path, scope) : null)),
    };
  }
}
