import { describe, expect, it } from "vitest";
import { refuseWorkingDirectory } from "../../../src/domain/job/working-directory-rule.js";

const base = {
  dataMountPath: "/paperclip",
  runLogRoot: "/paperclip/instances/default/data/run-logs",
  tenantId: "company-a",
  agentId: "agent-a",
};
const check = (workingDirectory: string) => refuseWorkingDirectory({ ...base, workingDirectory });

describe("the working directories a run may mount", () => {
  it.each([
    ["Paperclip's own workspace of this agent", "/paperclip/instances/default/workspaces/agent-a"],
    ["a directory inside it", "/paperclip/instances/default/workspaces/agent-a/repo"],
    ["a project checkout of this company", "/paperclip/instances/default/projects/company-a/p1/_default"],
    [
      "the adapter's default workspace of this agent",
      "/paperclip/claude-k8s/companies/company-a/agents/agent-a/workspace",
    ],
    ["an operator's directory elsewhere on the claim", "/paperclip/repos/acme"],
  ])("allows %s", (_what, cwd) => {
    expect(check(cwd)).toBeNull();
  });

  it.each([
    ["outside the data mount", "/workspace", "outside the data mount"],
    ["a relative path", "workspace", "not an absolute path"],
    ["the claim root", "/paperclip", "the data claim's root"],
    ["the claim root with a trailing slash", "/paperclip//", "the data claim's root"],
    ["a path with '..'", "/paperclip/repos/../instances", '".."'],
    ["an ancestor of the run-log root", "/paperclip/instances/default", "contains the run-log root"],
    ["the instances root (Paperclip's db, secrets, backups)", "/paperclip/instances", "contains the run-log root"],
    ["the run-log root itself", "/paperclip/instances/default/data/run-logs", "contains the run-log root"],
    [
      "another run's directory",
      "/paperclip/instances/default/data/run-logs/company-b/agent-b/run-1",
      "inside the run-log root",
    ],
    ["the adapter's tree", "/paperclip/claude-k8s", "the adapter's tree"],
    [
      "another company's area",
      "/paperclip/claude-k8s/companies/company-b/agents/agent-b/workspace",
      "not this agent's workspace",
    ],
    [
      "this agent's own home",
      "/paperclip/claude-k8s/companies/company-a/agents/agent-a/home",
      "not this agent's workspace",
    ],
    [
      "another agent's Paperclip workspace",
      "/paperclip/instances/default/workspaces/agent-b",
      "Paperclip's instance homes",
    ],
    ["another company's projects", "/paperclip/instances/default/projects/company-b/p1", "Paperclip's instance homes"],
    ["Paperclip's database", "/paperclip/instances/default/db", "Paperclip's instance homes"],
    ["Paperclip's secrets", "/paperclip/instances/default/secrets", "Paperclip's instance homes"],
    ["the local runtime's state (every run's Secrets)", "/paperclip/.local-runtime", "the local runtime's state"],
    [
      "a directory inside the local runtime's state",
      "/paperclip/.local-runtime/runtime-1/secrets",
      "the local runtime's state",
    ],
  ])("refuses %s with working_directory_refused naming why", (_what, cwd, why) => {
    const failure = check(cwd);
    expect(failure?.errorCode).toBe("working_directory_refused");
    expect(failure?.errorMessage).toContain(why);
    expect(failure?.errorMessage).toContain("/paperclip/claude-k8s/companies/company-a/agents/agent-a/workspace");
  });

  it("quotes a hostile path instead of echoing its raw bytes", () => {
    const failure = check("/elsewhere/line\nforged [claude-k8s] line");
    expect(failure?.errorMessage).not.toContain("\n");
  });

  it("refuses an ancestor of a run-log root configured outside Paperclip's home", () => {
    const failure = refuseWorkingDirectory({
      ...base,
      runLogRoot: "/paperclip/logs/runs",
      workingDirectory: "/paperclip/logs",
    });
    expect(failure?.details.reason).toContain("run-log root /paperclip/logs/runs");
  });
});
