import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseRunTrailer } from "../../../src/domain/run-trailer.js";
import { RUN_SCRIPT_EXIT } from "../../../src/domain/job/run-script.js";
import {
  buildManifests,
  createPodWorld,
  deliverPrompt,
  runPod,
  startContainer,
  type ContainerRun,
  type PodWorld,
} from "./pod-harness.js";

const MiB = 1024 * 1024;
let world: PodWorld;

afterEach(() => world?.cleanup());

async function runFake(env: Record<string, string>): Promise<ContainerRun> {
  world = createPodWorld();
  const manifests = buildManifests(world.spec);
  await deliverPrompt(world.paths, "hello claude");
  return runPod(manifests, world, env);
}

/** Trailer, container exit code and mirror all agree with what claude really wrote. */
function expectTruthfulRun(
  run: ContainerRun,
  expected: { exitCode: number; stdoutBytes: number; stderrBytes: number },
) {
  const stdoutFile = readFileSync(world.paths.stdout);
  const stderrFile = readFileSync(world.paths.stderr);
  expect(stdoutFile.length).toBe(expected.stdoutBytes);
  expect(stderrFile.length).toBe(expected.stderrBytes);
  expect(parseRunTrailer(readFileSync(world.paths.trailer, "utf8"))).toEqual({ version: 1, ...expected });
  expect(run.exitCode).toBe(expected.exitCode);
  expect(run.stdout.equals(stdoutFile)).toBe(true);
  expect(existsSync(`${world.paths.trailer}.tmp`)).toBe(false);
}

describe("the run script under dash with a fake claude", () => {
  it("exit 0: trailer, exit code and mirrored stdout match claude's output", async () => {
    const run = await runFake({ FAKE_CLAUDE_LINES: "3", FAKE_CLAUDE_LINE_BYTES: "100", FAKE_CLAUDE_STDERR: "warn\n" });
    expectTruthfulRun(run, { exitCode: 0, stdoutBytes: 300, stderrBytes: 5 });
    expect(run.stderr.toString()).toContain("warn\n");
  });

  it("exit 1: the container exits 1 and the trailer records 1", async () => {
    const run = await runFake({ FAKE_CLAUDE_LINES: "2", FAKE_CLAUDE_LINE_BYTES: "50", FAKE_CLAUDE_EXIT: "1" });
    expectTruthfulRun(run, { exitCode: 1, stdoutBytes: 100, stderrBytes: 0 });
  });

  it("claude killed by SIGKILL: the trailer and the container report 137", async () => {
    const run = await runFake({ FAKE_CLAUDE_LINES: "1", FAKE_CLAUDE_LINE_BYTES: "20", FAKE_CLAUDE_SIGNAL: "KILL" });
    expectTruthfulRun(run, { exitCode: 137, stdoutBytes: 20, stderrBytes: 0 });
  });

  it("no output at all: empty files, zero byte counts, empty mirror", async () => {
    const run = await runFake({});
    expectTruthfulRun(run, { exitCode: 0, stdoutBytes: 0, stderrBytes: 0 });
    expect(run.stdout.length).toBe(0);
    expect(run.stderr.toString()).toBe("");
  });

  it("stderr only: stderr bytes counted, stdout empty, stderr mirrored to the container's stderr", async () => {
    const run = await runFake({ FAKE_CLAUDE_STDERR: "Error: not logged in\n", FAKE_CLAUDE_EXIT: "1" });
    expectTruthfulRun(run, { exitCode: 1, stdoutBytes: 0, stderrBytes: 21 });
    expect(run.stderr.toString()).toContain("Error: not logged in\n");
  });

  it("a single 1 MiB stdout line arrives whole in the file and the mirror", async () => {
    const run = await runFake({ FAKE_CLAUDE_LINES: "1", FAKE_CLAUDE_LINE_BYTES: String(MiB) });
    expectTruthfulRun(run, { exitCode: 0, stdoutBytes: MiB, stderrBytes: 0 });
  });

  it("5 MiB of output is counted and mirrored byte for byte", async () => {
    const run = await runFake({ FAKE_CLAUDE_LINES: "80", FAKE_CLAUDE_LINE_BYTES: String(64 * 1024) });
    expectTruthfulRun(run, { exitCode: 0, stdoutBytes: 5 * MiB, stderrBytes: 0 });
  });

  it("a final line without a newline and multi-byte UTF-8 are kept exactly", async () => {
    const tail = '{"type":"result","text":"héllo — 日本語 🎉"}';
    const run = await runFake({ FAKE_CLAUDE_LINES: "1", FAKE_CLAUDE_LINE_BYTES: "12", FAKE_CLAUDE_STDOUT: tail });
    expectTruthfulRun(run, { exitCode: 0, stdoutBytes: 12 + Buffer.byteLength(tail), stderrBytes: 0 });
  });

  it("mirrors output to the container's stdout while claude is still running", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    await deliverPrompt(world.paths, "p");
    const release = join(world.root, "release");
    const container = startContainer(manifests.job.spec.template.spec.containers[0]!, manifests.secret, world, {
      FAKE_CLAUDE_STDOUT: '{"type":"system"}\n',
      FAKE_CLAUDE_WAIT_FOR: release,
    });
    await container.stdoutShows('{"type":"system"}\n');
    expect(existsSync(world.paths.trailer)).toBe(false);
    writeFileSync(release, "");
    const run = await container.done;
    expectTruthfulRun(run, { exitCode: 0, stdoutBytes: 18, stderrBytes: 0 });
  });

  it("SIGTERM to the script is passed on to claude, and the run still ends with a trailer", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    await deliverPrompt(world.paths, "p");
    const container = startContainer(manifests.job.spec.template.spec.containers[0]!, manifests.secret, world, {
      FAKE_CLAUDE_STDOUT: "started\n",
      FAKE_CLAUDE_WAIT_FOR: join(world.root, "never"),
      FAKE_CLAUDE_ON_TERM: "143",
    });
    await container.stdoutShows("started\n");
    container.kill("SIGTERM");
    const run = await container.done;
    expectTruthfulRun(run, { exitCode: 143, stdoutBytes: 8, stderrBytes: 0 });
  });

  it("a missing prompt file ends the run with exit 66, a trailer and a message in the stderr file", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    await deliverPrompt(world.paths, "p");
    rmSync(world.paths.prompt);
    const run = await runPod(manifests, world);
    const message = readFileSync(world.paths.stderr, "utf8");
    expect(message).toContain(`prompt file ${world.paths.prompt} is missing or unreadable`);
    expectTruthfulRun(run, {
      exitCode: RUN_SCRIPT_EXIT.promptMissing,
      stdoutBytes: 0,
      stderrBytes: Buffer.byteLength(message),
    });
  });

  it("the init container passes once the server has created the run's directory, creating nothing itself", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    const init = manifests.job.spec.template.spec.initContainers?.[0];
    mkdirSync(world.paths.directory, { recursive: true });
    const result = await startContainer(init!, manifests.secret, world).done;
    expect(result.exitCode).toBe(0);
    expect(readdirSync(world.paths.directory)).toEqual([]);
  });

  it("the init container fails with a named message when the run's directory is missing", async () => {
    world = createPodWorld();
    const manifests = buildManifests(world.spec);
    const init = manifests.job.spec.template.spec.initContainers?.[0];
    const result = await startContainer(init!, manifests.secret, world).done;
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr.toString()).toContain(world.paths.directory);
  });
});
