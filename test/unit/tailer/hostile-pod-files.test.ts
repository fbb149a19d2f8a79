/**
 * What a hostile pod can put where the tailer reads, on the in-memory volume: every attack ends
 * the tail at once with an error naming the path and what was found, and nothing is read from it.
 */
import { describe, expect, it } from "vitest";
import type { PlantedKind } from "../../fakes/in-memory-file-system.js";
import { TARGET, TailWorld } from "./tail-harness.js";

const SPECIAL_FILES: PlantedKind[] = ["a FIFO", "a socket", "a directory", "a character device"];

async function endsWith(world: TailWorld) {
  world.follow();
  const summary = await world.settle();
  expect(summary.ended).toBe("failed");
  // Refused on the first poll that met it, not after a drain or appear timeout.
  expect(world.clock.now()).toBeLessThanOrEqual(250);
  return summary.failure;
}

describe("LogTailer against a hostile pod's files (fakes)", () => {
  for (const kind of SPECIAL_FILES) {
    it(`attack: ${kind} at the trailer path ends the run with k8s_pod_log_not_regular`, async () => {
      const world = new TailWorld();
      world.fs.append(TARGET.stdoutPath, '{"type":"system"}\n');
      world.fs.plant(TARGET.trailerPath, kind);
      const failure = await endsWith(world);
      expect(failure?.errorCode).toBe("k8s_pod_log_not_regular");
      expect(failure?.errorMessage).toContain(`Run file ${TARGET.trailerPath} is ${kind}, not a regular file`);
      expect(world.lines()).toEqual(['{"type":"system"}\n']);
    });

    it(`attack: ${kind} at the stdout path ends the run with k8s_pod_log_not_regular`, async () => {
      const world = new TailWorld();
      world.fs.plant(TARGET.stdoutPath, kind);
      const failure = await endsWith(world);
      expect([failure?.errorCode, failure?.details.found]).toEqual(["k8s_pod_log_not_regular", kind]);
    });
  }

  it("attack: a symlink at the trailer path (to /proc/self/environ) is refused and never read", async () => {
    const world = new TailWorld();
    world.fs.append("/proc/self/environ", "DATABASE_URL=postgres://server-secret");
    world.fs.append(TARGET.stdoutPath, "x\n");
    world.fs.symlink(TARGET.trailerPath, "/proc/self/environ");
    const failure = await endsWith(world);
    expect([failure?.errorCode, failure?.details.found]).toEqual(["k8s_pod_log_not_regular", "a symlink"]);
    expect(failure?.errorMessage).not.toContain("server-secret");
  });

  it("attack: a hard link at the stdout path to a server file is refused and its bytes never delivered", async () => {
    const world = new TailWorld();
    world.fs.append("/etc/shadow", "root:secret-hash\n");
    world.fs.hardLink("/etc/shadow", TARGET.stdoutPath);
    const failure = await endsWith(world);
    expect([failure?.errorCode, failure?.details.found]).toEqual(["k8s_pod_log_not_regular", "a hard link (2 links)"]);
    expect(world.delivered).toEqual([]);
  });

  it("attack: a symlinked agent directory ends the run with k8s_run_path_unsafe naming it", async () => {
    const world = new TailWorld();
    world.fs.append("/etc/outside.pod.ndjson", "secret\n");
    world.fs.symlink("/paperclip/run-logs/c/a", "/etc");
    const failure = await endsWith(world);
    expect(failure?.errorCode).toBe("k8s_run_path_unsafe");
    expect(failure?.errorMessage).toContain('a symlink stands where the directory "a" should be');
    expect(world.delivered).toEqual([]);
  });

  it("every call the tailer makes is confined to the run-log root", async () => {
    const world = new TailWorld();
    world.fs.append(TARGET.stdoutPath, "line\n");
    world.fs.create(TARGET.stderrPath);
    world.follow();
    await world.clock.advance(250);
    world.finish();
    expect((await world.settle()).ended).toBe("complete");
    expect(world.fs.unscopedCalls).toEqual([]);
  });
});
