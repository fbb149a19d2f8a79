import { chown, lstat, mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { applyFsGroup } from "../../../src/adapters/local-runtime/fs-group-ownership.js";

const asRoot = process.getuid?.() === 0;

describe.runIf(asRoot)("the pod's fsGroup applied to its volumes (server running as root)", () => {
  let scratch: string;
  afterEach(async () => rm(scratch, { recursive: true, force: true }));

  it("gives what root or the pod's uid owns the group with read/write (directories setgid), leaves other users' files and symlink targets alone", async () => {
    scratch = await mkdtemp(`${tmpdir()}/claude-k8s-fsgroup-`);
    const volume = `${scratch}/volume`;
    await mkdir(`${volume}/run`, { recursive: true, mode: 0o700 });
    await writeFile(`${volume}/run/prompt.md`, "p", { mode: 0o600 });
    await writeFile(`${volume}/run/postgres-file`, "db", { mode: 0o600 });
    await chown(`${volume}/run/postgres-file`, 4242, 4242);
    await writeFile(`${scratch}/outside`, "o", { mode: 0o600 });
    await symlink(`${scratch}/outside`, `${volume}/run/link`);

    expect(await applyFsGroup([{ path: volume, readOnly: false }], 1000, 1000)).toBeUndefined();

    const run = await stat(`${volume}/run`);
    expect([run.gid, run.mode & 0o7777]).toEqual([1000, 0o2770]);
    const prompt = await stat(`${volume}/run/prompt.md`);
    expect([prompt.gid, prompt.mode & 0o777]).toEqual([1000, 0o660]);
    const foreign = await stat(`${volume}/run/postgres-file`);
    expect([foreign.gid, foreign.mode & 0o777]).toEqual([4242, 0o600]);
    const outside = await stat(`${scratch}/outside`);
    expect([outside.gid, outside.mode & 0o777]).toEqual([0, 0o600]);
    expect((await lstat(`${volume}/run/link`)).isSymbolicLink()).toBe(true);
  });

  it("gives a read-only volume group read only", async () => {
    scratch = await mkdtemp(`${tmpdir()}/claude-k8s-fsgroup-`);
    await writeFile(`${scratch}/AGENTS.md`, "a", { mode: 0o600 });
    expect(await applyFsGroup([{ path: scratch, readOnly: true }], 1000, 1000)).toBeUndefined();
    expect((await stat(`${scratch}/AGENTS.md`)).mode & 0o777).toBe(0o640);
  });
});
