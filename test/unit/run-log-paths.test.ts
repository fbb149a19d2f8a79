import { describe, expect, it } from "vitest";
import { defaultRunLogRoot, resolveRunLogRoot, runFilePaths } from "../../src/domain/run-log-paths.js";

describe("run file paths", () => {
  it("puts the run's files in its own directory <root>/<company>/<agent>/<run>/", () => {
    const paths = runFilePaths("/paperclip/instances/default/data/run-logs/", {
      tenantId: "co-1",
      agentId: "ag-2",
      runId: "run-3",
    });
    expect(paths).toEqual({
      root: "/paperclip/instances/default/data/run-logs",
      directory: "/paperclip/instances/default/data/run-logs/co-1/ag-2/run-3",
      stdout: "/paperclip/instances/default/data/run-logs/co-1/ag-2/run-3/stdout.ndjson",
      stderr: "/paperclip/instances/default/data/run-logs/co-1/ag-2/run-3/stderr.log",
      trailer: "/paperclip/instances/default/data/run-logs/co-1/ag-2/run-3/trailer.json",
      prompt: "/paperclip/instances/default/data/run-logs/co-1/ag-2/run-3/prompt.md",
    });
  });

  it("defaults the root to Paperclip's own run-log store on the data mount", () => {
    expect(defaultRunLogRoot("/paperclip", "default")).toBe("/paperclip/instances/default/data/run-logs");
    expect(defaultRunLogRoot("/data/", "prod")).toBe("/data/instances/prod/data/run-logs");
  });

  it.each([
    ["companyId", "../etc"],
    ["agentId", "a/b"],
    ["runId", "run 1"],
    ["runId", "run_1"],
    ["companyId", ""],
    ["agentId", "agént"],
    ["runId", "x\ny"],
  ])("refuses %s %j with the exact message", (field, value) => {
    // Refusals name the tenant id as the volume's `companies/<id>` level does.
    const run = { tenantId: "c", agentId: "a", runId: "r", [field === "companyId" ? "tenantId" : field]: value };
    expect(() => runFilePaths("/root", run)).toThrow(new Error(`Invalid ${field} for log path: ${value}`));
  });
});

describe("the run-log root", () => {
  const volume = { runLogRoot: "", instanceId: "", dataMountPath: "/paperclip" };

  it("is the configured runLogRoot when one is set", () => {
    expect(resolveRunLogRoot({ ...volume, runLogRoot: "/logs" }, "default")).toEqual({ ok: true, value: "/logs" });
  });

  it("is the configured instance's store, else the caller's fallback instance's", () => {
    expect(resolveRunLogRoot({ ...volume, instanceId: "prod" }, "default")).toEqual({
      ok: true,
      value: "/paperclip/instances/prod/data/run-logs",
    });
    expect(resolveRunLogRoot(volume, "staging")).toEqual({
      ok: true,
      value: "/paperclip/instances/staging/data/run-logs",
    });
  });

  it("refuses an instance id that would escape the data mount, naming the field", () => {
    const root = resolveRunLogRoot({ ...volume, instanceId: "../other" }, "default");
    expect(root.ok).toBe(false);
    if (!root.ok) {
      expect(root.failure.errorCode).toBe("invalid_run_input");
      expect(root.failure.errorMessage).toContain("instanceId");
    }
  });
});
