import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Container } from "inversify";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LocalKubernetesRuntime } from "../../src/adapters/local-runtime/index.js";
import { SyscallWorkerFileSystem } from "../../src/adapters/syscall-worker-file-system.js";
import { createContainer, disposeContainer } from "../../src/container.js";
import { ClusterWatchHub } from "../../src/domain/cluster/cluster-watch-hub.js";
import { JobLauncher } from "../../src/domain/run/job-launcher.js";
import { LiveRuns } from "../../src/domain/run/live-runs.js";
import { RunReconciler } from "../../src/domain/run/run-reconciler.js";
import { ServerPodReader } from "../../src/domain/server-pod-reader.js";
import {
  CLOCK_PORT,
  FILE_SYSTEM_PORT,
  KUBERNETES_PORT,
  type ClockPort,
  type KubernetesPort,
} from "../../src/ports/index.js";
import { bindResolved, bindService } from "../../src/typed-binding.js";
import { FakeKubernetes } from "../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../fakes/in-memory-file-system.js";
import { ManualClock } from "../fakes/manual-clock.js";

describe("wiring the compiler checks", () => {
  it("refuses a service wired with swapped, wrong or missing dependencies (npm run typecheck fails otherwise)", () => {
    const container = new Container();
    // Each line below would be a runtime surprise with inversify's own toResolvedValue token arrays;
    // here it does not compile. An expect-error line that compiles fails the typecheck step.
    const miswired = [
      // @ts-expect-error the clock and the Kubernetes port swapped
      () => bindService(container, ServerPodReader, [CLOCK_PORT, KUBERNETES_PORT]),
      // @ts-expect-error a file system where the Kubernetes port belongs
      () => bindService(container, JobLauncher, [FILE_SYSTEM_PORT, CLOCK_PORT]),
      // @ts-expect-error a required dependency left out
      () => bindService(container, ServerPodReader, [KUBERNETES_PORT]),
      () => {
        const make = (kubernetes: KubernetesPort, clock: ClockPort) => new ServerPodReader(kubernetes, clock);
        // @ts-expect-error a service class where a port belongs
        bindResolved(container, ServerPodReader, [LiveRuns, CLOCK_PORT], make);
      },
    ];
    expect(miswired).toHaveLength(4);
    // The correct wiring compiles and resolves.
    bindService(container, ServerPodReader, [KUBERNETES_PORT, CLOCK_PORT]);
    container.bind(KUBERNETES_PORT).toConstantValue(new FakeKubernetes());
    container.bind(CLOCK_PORT).toConstantValue(new ManualClock(0));
    expect(container.get(ServerPodReader)).toBeInstanceOf(ServerPodReader);
  });
});

describe("disposal through the container", () => {
  const directories: string[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const directory of directories.splice(0)) await rm(directory, { recursive: true, force: true });
  });

  it("stops the shared watches and the reconciler's timers, and leaves the ports the caller bound alone", async () => {
    const kubernetes = new FakeKubernetes();
    const clock = new ManualClock(0);
    const container = createContainer({
      bindings: { kubernetes, clock, fileSystem: new InMemoryFileSystem() },
      reconciler: { log: () => undefined },
    });
    container.get(ClusterWatchHub).watchRun("paperclip", "run-1", {});
    container.get(RunReconciler).keepSweeping("paperclip", "/paperclip/run-logs");
    await clock.advance(0);
    expect(kubernetes.activeWatchCount).toBe(2);
    expect(clock.pendingSleeps).toBeGreaterThan(0);

    await disposeContainer(container);

    expect(kubernetes.activeWatchCount).toBe(0);
    expect(clock.pendingSleeps).toBe(0);
    await expect(kubernetes.currentNamespace()).resolves.toBe("paperclip");
  });

  it("stops the file-system worker thread it started", async () => {
    const close = vi.spyOn(SyscallWorkerFileSystem.prototype, "close");
    const container = createContainer({ bindings: { kubernetes: new FakeKubernetes() } });
    const fileSystem = container.get(FILE_SYSTEM_PORT);
    await disposeContainer(container);
    expect(close).toHaveBeenCalledTimes(SyscallWorkerFileSystem.supported ? 1 : 0);
    if (SyscallWorkerFileSystem.supported) expect(close.mock.contexts[0]).toBe(fileSystem);
  });

  it("shuts down the local runtime it built: its API refuses calls and it leaves no state to take over", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "claude-k8s-dispose-"));
    directories.push(dataDirectory);
    const container = createContainer({ runtime: { kind: "local", dataDirectory } });
    const runtime = container.get<KubernetesPort>(KUBERNETES_PORT);
    expect(runtime).toBeInstanceOf(LocalKubernetesRuntime);
    await expect(runtime.currentNamespace()).resolves.toBe("local");
    const stateDirectory = join(dataDirectory, ".local-runtime");
    expect(await readdir(stateDirectory)).toHaveLength(1);

    await disposeContainer(container);

    await expect(runtime.currentNamespace()).rejects.toThrow();
    expect(await readdir(stateDirectory)).toEqual([]);
  });
});
