/** The run's Job: its identity, lifecycle fields, containers, and the input it refuses. */
import { describe, expect, it } from "vitest";
import { INIT_CONTAINER_NAME, MAIN_CONTAINER_NAME } from "../../../src/domain/job/job-manifest-factory.js";
import { MANAGED_BY_SELECTOR, readRunAnnotations } from "../../../src/domain/job/job-labels.js";
import { matchesSelector } from "../../fakes/fake-kubernetes.js";
import { runSpec } from "./manifest-fixtures.js";
import { build, init, literal, main, refuse } from "./manifest-readers.js";

describe("the Job's identity", () => {
  it("has a deterministic RFC 1123 name of at most 63 characters, the same for a retried build", () => {
    const first = build(runSpec());
    const again = build(runSpec());
    expect(first.jobName).toBe(again.jobName);
    expect(first.job.metadata.name).toBe(first.jobName);
    expect(first.jobName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(first.jobName.length).toBeLessThanOrEqual(63);
    expect(build(runSpec({ runId: "run-4" })).jobName).not.toBe(first.jobName);
  });

  it("keeps long ids within 63 characters and distinct when only their tails differ", () => {
    const long = "a".repeat(80);
    const one = build(runSpec({ agentId: long, runId: `${long}-1` })).jobName;
    const two = build(runSpec({ agentId: long, runId: `${long}-2` })).jobName;
    expect(one.length).toBeLessThanOrEqual(63);
    expect(one).not.toBe(two);
  });

  it("labels the Job and its pod for the shared watches and the concurrency guard", () => {
    const m = build(runSpec({ sessionKey: "sess-1" }, { labels: { team: "red" } }));
    const expected = {
      "app.kubernetes.io/managed-by": "paperclip-claude-k8s",
      "app.kubernetes.io/component": "agent-run",
      "paperclip.io/adapter-type": "claude_k8s",
      "paperclip.io/agent-id": "agent-2",
      "paperclip.io/run-id": "run-3",
      "paperclip.io/company-id": "company-1",
      "paperclip.io/task-id": "task-9",
      "paperclip.io/session-id": "sess-1",
      team: "red",
    };
    expect(m.job.metadata.labels).toEqual(expected);
    expect(m.job.spec.template.metadata?.labels).toEqual(expected);
    expect(matchesSelector(m.job.metadata.labels, MANAGED_BY_SELECTOR)).toBe(true);
  });

  it("omits the task and session labels when the run has none", () => {
    const labels = build(runSpec({ taskId: null, sessionKey: null })).job.metadata.labels ?? {};
    expect(labels).not.toHaveProperty("paperclip.io/task-id");
    expect(labels).not.toHaveProperty("paperclip.io/session-id");
  });

  it("sanitizes a task id that is not a valid label value", () => {
    const value = build(runSpec({ taskId: "Fix: the bug/#12 ünïcode" })).job.metadata.labels?.["paperclip.io/task-id"];
    expect(value).toMatch(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
  });

  it("records the run id and THIS run's file paths in annotations a reattach can read back", () => {
    const spec = runSpec();
    const m = build(spec);
    expect(readRunAnnotations(m.job)).toEqual({
      runId: "run-3",
      stdoutPath: spec.paths.stdout,
      stderrPath: spec.paths.stderr,
      trailerPath: spec.paths.trailer,
      promptPath: spec.paths.prompt,
    });
  });
});

describe("the Job's lifecycle fields", () => {
  it("is created suspended, never retried, never restarted, and collected after the TTL", () => {
    const m = build(runSpec({}, { ttlSecondsAfterFinished: 120 }));
    expect(m.job.spec.suspend).toBe(true);
    expect(m.job.spec.backoffLimit).toBe(0);
    expect(m.job.spec.template.spec.restartPolicy).toBe("Never");
    expect(m.job.spec.ttlSecondsAfterFinished).toBe(120);
    expect(m.job.metadata.namespace).toBe("agents");
  });

  it("has a 3 h deadline by default, so a hung model API cannot hold a pod for ever", () => {
    expect(build(runSpec()).job.spec.activeDeadlineSeconds).toBe(10_800);
  });

  it("turns off service links, so the pod gets no env of the namespace's Services", () => {
    expect(build(runSpec()).job.spec.template.spec.enableServiceLinks).toBe(false);
  });

  it("disables claude's auto-updater and non-essential traffic by default; config env overrides them", () => {
    expect(literal(build(runSpec()), "DISABLE_AUTOUPDATER")).toBe("1");
    expect(literal(build(runSpec()), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC")).toBe("1");
    const overridden = build(runSpec({}, { env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "0" } }));
    expect(literal(overridden, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC")).toBe("0");
  });

  it("sets activeDeadlineSeconds from timeoutSec, and no deadline when timeoutSec is 0", () => {
    expect(build(runSpec({}, { timeoutSec: 900 })).job.spec.activeDeadlineSeconds).toBe(900);
    expect(build(runSpec({}, { timeoutSec: 0 })).job.spec).not.toHaveProperty("activeDeadlineSeconds");
  });
});

describe("the containers", () => {
  it("runs the main container first and the run script as ONE sh -c argument in the working directory", () => {
    const m = build(runSpec());
    expect(main(m).name).toBe(MAIN_CONTAINER_NAME);
    expect(main(m).command?.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(main(m).command).toHaveLength(3);
    expect(main(m).args).toBeUndefined();
    expect(main(m).workingDir).toBe("/paperclip/workspaces/agent-2");
    expect(main(m).terminationMessagePolicy).toBe("FallbackToLogsOnError");
  });

  it("has the init container check this run's directory is writable, creating nothing", () => {
    const m = build(runSpec());
    expect(init(m).name).toBe(INIT_CONTAINER_NAME);
    expect(init(m).command?.[2]).toContain("dir='/paperclip/instances/default/data/run-logs/company-1/agent-2/run-3'");
    expect(init(m).command?.[2]).toContain('[ ! -w "$dir" ]');
    expect(init(m).command?.[2]).not.toContain("mkdir");
  });

  it("lists the directories the server must create before the Job: the read-write mounts' sources", () => {
    expect(build(runSpec()).directories).toEqual([
      "/paperclip/instances/default/data/run-logs/company-1/agent-2/run-3",
      "/paperclip/workspaces/agent-2",
      "/paperclip/claude-k8s/companies/company-1/agents/agent-2/home",
    ]);
  });

  it("makes kubectl logs default to the claude container", () => {
    const annotations = build(runSpec()).job.spec.template.metadata?.annotations;
    expect(annotations?.["kubectl.kubernetes.io/default-container"]).toBe("claude");
  });

  it("points the script at this run's files and feeds the prompt file on stdin", () => {
    const spec = runSpec();
    const script = main(build(spec)).command?.[2] ?? "";
    expect(script).toContain(`out='${spec.paths.stdout}'`);
    expect(script).toContain(`err='${spec.paths.stderr}'`);
    expect(script).toContain(`trailer='${spec.paths.trailer}'`);
    expect(script).toContain(`prompt='${spec.paths.prompt}'`);
    expect(script).toContain('>>"$out" 2>>"$err" <"$prompt"');
    expect(script).not.toMatch(/pipefail|\btee\b|\| *'?claude/);
  });

  it("returns claude's argv for onMeta, matching what the script runs", () => {
    const m = build(runSpec({}, { model: "claude-sonnet-4-6" }));
    expect(m.command).toEqual([
      "claude",
      "--print",
      "--output-format",
      "stream-json",
      "--verbose",
      "--model",
      "claude-sonnet-4-6",
      "--dangerously-skip-permissions",
    ]);
    expect(main(m).command?.[2]).toContain(m.command.map((a) => `'${a}'`).join(" "));
  });
});

describe("refused run input", () => {
  it.each([
    ["companyId", { tenantId: "../etc" }, "Invalid companyId for log path: ../etc"],
    ["agentId", { agentId: "agent/2" }, "Invalid agentId for log path: agent/2"],
    ["runId", { runId: "run 3" }, "Invalid runId for log path: run 3"],
  ])("an unsafe %s is refused with the path helper's exact message", (_field, override, message) => {
    const failure = refuse(runSpec(override));
    expect(failure.errorCode).toBe("invalid_run_input");
    expect(failure.details.reason).toBe(message);
    expect(failure.errorMessage).toContain(message);
  });

  it("refuses a relative working directory", () => {
    expect(refuse(runSpec({ workingDirectory: "workspace" })).errorCode).toBe("working_directory_refused");
  });

  it("refuses a NUL byte in an argument, which would silently cut it short", () => {
    const failure = refuse(runSpec({}, { extraArgs: ["--x", "a\u0000b"] }));
    expect(failure.errorCode).toBe("invalid_run_input");
    expect(failure.details.field).toBe("extraArgs");
  });
});
