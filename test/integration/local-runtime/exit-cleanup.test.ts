import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, groupIsGone } from "./local-runtime-harness.js";

describe("local runtime: a process that exits without shutdown()", () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("still SIGKILLs its pods' process groups and removes its sandbox root at exit", async () => {
    scratch = await mkdtemp(`${tmpdir()}/claude-k8s-exit-`);
    const script = `${scratch}/exit-without-shutdown.mjs`;
    await build({
      entryPoints: [new URL("./fixtures/exit-without-shutdown.ts", import.meta.url).pathname],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: script,
      logLevel: "silent",
    });

    const child = spawnSync(process.execPath, [script, `${scratch}/data`], { encoding: "utf8", timeout: 20_000 });
    expect(child.status).toBe(0);
    const { groups, root } = JSON.parse(child.stdout) as { groups: number[]; root: string };

    expect(groups).toHaveLength(1);
    expect(root).toMatch(/claude-k8s-local-/);
    // SIGKILL was sent at exit; the killed processes may need a moment to be reaped by init.
    await eventually("the pod's processes to be gone", () => (groups.every(groupIsGone) ? true : undefined), 5_000);
    expect(existsSync(root)).toBe(false);
  });
});
