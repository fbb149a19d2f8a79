import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { sandboxAvailability } from "../../../src/adapters/local-runtime/sandbox-host.js";

describe("whether the local runtime can sandbox pods here", () => {
  let scratch: string | undefined;
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("can, on this machine (CI installs bubblewrap)", async () => {
    expect(await sandboxAvailability()).toEqual({ available: true });
  });

  it("says bubblewrap is missing and how to install it, and how to opt out", async () => {
    const answer = await sandboxAvailability("/nonexistent/bwrap");
    expect(answer.available).toBe(false);
    const reason = answer.available ? "" : answer.reason;
    expect(reason).toContain("bubblewrap is not installed (no /nonexistent/bwrap)");
    expect(reason).toContain("apt-get install bubblewrap");
    expect(reason).toContain("CLAUDE_K8S_LOCAL_UNSANDBOXED=1");
  });

  it("keeps bubblewrap's own words when it cannot build a sandbox", async () => {
    scratch = await mkdtemp(`${tmpdir()}/claude-k8s-bwrap-`);
    const broken = `${scratch}/bwrap`;
    await writeFile(broken, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n");
    await chmod(broken, 0o755);
    const answer = await sandboxAvailability(broken);
    expect(answer.available).toBe(false);
    expect(answer.available ? "" : answer.reason).toContain(
      "bubblewrap could not create a sandbox (bwrap: No permissions to create new namespace)",
    );
  });
});
