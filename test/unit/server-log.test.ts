import { afterEach, describe, expect, it, vi } from "vitest";
import { createContainer, disposeContainer } from "../../src/container.js";
import { ClusterWatchHub } from "../../src/domain/cluster/cluster-watch-hub.js";
import { ANNOTATION_KEYS, LABEL_KEYS, MANAGED_BY_VALUE } from "../../src/domain/job/job-labels.js";
import { RunReconciler } from "../../src/domain/run/run-reconciler.js";
import { guardedLog } from "../../src/guarded-log.js";
import { KubernetesApiError, type LogPort } from "../../src/ports/index.js";
import { FakeKubernetes } from "../fakes/fake-kubernetes.js";
import { InMemoryFileSystem } from "../fakes/in-memory-file-system.js";
import { ManualClock } from "../fakes/manual-clock.js";

const NS = "paperclip";
const RUN_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJydW4iOiJydW4tMSJ9.c2lnbmF0dXJlLW9mLWEtcnVu";
const LOCAL_CREDENTIAL = "local-oauth-credential-0123456789";

function recordingLog() {
  const lines: Array<{ level: keyof LogPort; line: string }> = [];
  const log: LogPort = {
    info: (line) => void lines.push({ level: "info", line }),
    warn: (line) => void lines.push({ level: "warn", line }),
  };
  return { log, lines };
}

function world(kubernetes = new FakeKubernetes()) {
  const clock = new ManualClock(0);
  const { log, lines } = recordingLog();
  const container = createContainer({
    bindings: { kubernetes, clock, fileSystem: new InMemoryFileSystem(), log },
    reconciler: { graceMs: 60_000, periodMs: 10_000 },
  });
  return { kubernetes, clock, container, lines };
}

describe("the server log (LogPort bound in the composition root)", () => {
  afterEach(() => vi.restoreAllMocks());

  it("hears the shared watch hub's failures and restarts, and its stall watchdog", async () => {
    const w = world();
    w.container.get(ClusterWatchHub).watchRun(NS, "run-1", {});
    w.kubernetes.breakWatches("server_error");
    expect(w.lines).toContainEqual({
      level: "warn",
      line: expect.stringMatching(/^\[claude-k8s\] jobs watch in namespace "paperclip" failed .*restarting in 1000 ms/),
    });
    await w.clock.advance(1_000);
    expect(w.kubernetes.activeWatchCount).toBe(2);

    w.kubernetes.silenceWatches();
    await w.clock.advance(5 * 60_000);
    expect(w.lines.map((l) => l.line)).toContainEqual(expect.stringContaining("silent for 300 s; restarting it"));
    await disposeContainer(w.container);
  });

  it("hears the reconciler's removals, and a sweep that could not list the Jobs", async () => {
    const w = world();
    w.kubernetes.createPodsOnResume = false;
    await w.kubernetes.createJob(NS, {
      metadata: {
        name: "claude-run-dead",
        labels: { [LABEL_KEYS.managedBy]: MANAGED_BY_VALUE, [LABEL_KEYS.runId]: "run-dead" },
        annotations: { [ANNOTATION_KEYS.runId]: "run-dead" },
      },
      spec: { suspend: true, template: { spec: { containers: [{ name: "claude", image: "x" }] } } },
    });
    const reconciler = w.container.get(RunReconciler);
    await reconciler.sweep(NS, "/paperclip/run-logs");
    await w.clock.advance(60_000);
    await reconciler.sweep(NS, "/paperclip/run-logs");
    w.kubernetes.failNext("listJobs", "forbidden");
    await reconciler.sweep(NS, "/paperclip/run-logs");

    expect(w.lines).toEqual([
      { level: "info", line: "[claude-k8s] reconciler: deleted orphaned Job paperclip/claude-run-dead" },
      { level: "info", line: expect.stringMatching(/^\[claude-k8s\] reconciler: listing Jobs failed: forbidden/) },
    ]);
    await disposeContainer(w.container);
  });

  it("writes to the server's stderr when no log is bound", async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const kubernetes = new FakeKubernetes();
    const container = createContainer({ bindings: { kubernetes, clock: new ManualClock(0) } });
    container.get(ClusterWatchHub).watchRun(NS, "run-1", {});
    kubernetes.breakWatches("gone");
    vi.restoreAllMocks();
    expect(written).toContainEqual(expect.stringMatching(/^\[claude-k8s\] jobs watch .* failed .*\n$/));
    await disposeContainer(container);
  });

  it("attack: an API error that quotes a run token or a bearer header never reaches the server log with it", async () => {
    class LeakyCluster extends FakeKubernetes {
      override watchJobs(): never {
        throw new KubernetesApiError(
          "unavailable",
          "watchJobs",
          `proxy said: Authorization: Bearer ${RUN_TOKEN}; body {"token":"${RUN_TOKEN}"} PAPERCLIP_API_KEY=${RUN_TOKEN}`,
        );
      }
    }
    const w = world(new LeakyCluster());
    w.container.get(ClusterWatchHub).watchRun(NS, "run-1", {});
    expect(w.lines.length).toBeGreaterThan(0);
    for (const { line } of w.lines) {
      expect(line).not.toContain(RUN_TOKEN);
      expect(line).not.toContain(RUN_TOKEN.slice(0, 20));
    }
    expect(w.lines[0]?.line).toContain("***REDACTED***");
    await disposeContainer(w.container);
  });

  it("attack: the local runtime's credentials are redacted from any line that quotes them", () => {
    const { log, lines } = recordingLog();
    const guarded = guardedLog(log, [LOCAL_CREDENTIAL, "short"]);
    guarded.warn(`pod env dump: CLAUDE=${LOCAL_CREDENTIAL} and ${LOCAL_CREDENTIAL}, short words stay`);
    expect(lines).toEqual([
      { level: "warn", line: "pod env dump: CLAUDE=***REDACTED*** and ***REDACTED***, short words stay" },
    ]);
  });

  it("a log sink that throws never reaches the watch that wrote the line", async () => {
    const kubernetes = new FakeKubernetes();
    const clock = new ManualClock(0);
    const broken: LogPort = {
      info: () => {
        throw new Error("log sink broken");
      },
      warn: () => {
        throw new Error("log sink broken");
      },
    };
    const container = createContainer({ bindings: { kubernetes, clock, log: broken } });
    container.get(ClusterWatchHub).watchRun(NS, "run-1", {});
    kubernetes.breakWatches("server_error");
    await clock.advance(1_000);
    expect(kubernetes.activeWatchCount).toBe(2);
    await disposeContainer(container);
  });
});
