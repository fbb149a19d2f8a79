/**
 * What the server creates for a run on a real file system: the directories a pod mounts read-write
 * get exactly 0770 (owner and group, whatever the umask), the prompt 0640, and a symlink a pod
 * planted in a directory chain never redirects where the server creates them.
 */
import { lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NodeFileSystem } from "../../../src/adapters/node-file-system.js";
import { PromptDelivery } from "../../../src/domain/job/prompt-delivery.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";

let root: string;
let umask: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "claude-k8s-modes-"));
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe("modes of what the server creates for a run", () => {
  it("creates the run directory, workspace and home 0770 and the prompt 0640 under a 022 umask", async () => {
    const data = join(root, "data");
    const paths = runFilePaths(join(data, "run-logs"), { tenantId: "c-1", agentId: "a-1", runId: "r-1" });
    const home = join(data, "claude-k8s/companies/c-1/agents/a-1/home");
    const workspace = join(data, "claude-k8s/companies/c-1/agents/a-1/workspace");
    const delivery = new PromptDelivery(new NodeFileSystem());
    mkdirSync(data);

    expect((await delivery.prepareDirectories([paths.directory, workspace, home], data)).ok).toBe(true);
    expect((await delivery.write(paths, "do it", 1024)).ok).toBe(true);

    for (const directory of [paths.directory, workspace, home]) expect(modeOf(directory)).toBe("770");
    expect(modeOf(paths.prompt)).toBe("640");
  });

  it("leaves the mode of a directory that already exists alone", async () => {
    const data = join(root, "data");
    const workspace = join(data, "instances/default/workspaces/a-1");
    mkdirSync(workspace, { recursive: true, mode: 0o755 });
    expect((await new PromptDelivery(new NodeFileSystem()).prepareDirectories([workspace], data)).ok).toBe(true);
    expect(modeOf(workspace)).toBe("755");
  });

  it("attack: a symlink planted in a workspace chain does not make the server create a directory elsewhere", async () => {
    const data = join(root, "data");
    const elsewhere = join(root, "elsewhere");
    mkdirSync(join(data, "repos"), { recursive: true });
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(data, "repos", "acme"));
    const result = await new PromptDelivery(new NodeFileSystem()).prepareDirectories(
      [join(data, "repos", "acme", "ws")],
      data,
    );
    expect(result.ok).toBe(false);
    expect(() => lstatSync(join(elsewhere, "ws"))).toThrow();
  });
});
