/**
 * The local runtime's pod sandbox: each container sees only the system directories, its
 * programs and exactly its volume mounts, runs as the spec's user when the server is root, and
 * leaves nothing behind.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import type { Container, Job, Volume } from "../../../src/ports/kubernetes-objects.js";
import { finishedJob, launch, podOf, startHarness, type Harness } from "./local-runtime-harness.js";
import { buildRunJob } from "./run-job-builder.js";

const asRoot = process.getuid?.() === 0;

function singleContainer(job: Job, container: Container, volumes: Volume[]): Job {
  const copy = structuredClone(job);
  copy.spec.template.spec = { ...copy.spec.template.spec, initContainers: [], containers: [container], volumes };
  return copy;
}

describe("local runtime: each pod runs in its own sandbox", () => {
  let harness: Harness;
  let outside: string | undefined;
  afterEach(async () => {
    await harness?.close();
    if (outside) await rm(outside, { recursive: true, force: true });
  });

  /** Runs `script` in a pod that mounts only `<data>/mine` (read-write) and `<data>/shared` (read-only). */
  async function runConfined(
    name: string,
    scriptFor: string | ((data: string) => string),
  ): Promise<{ report: string; data: string }> {
    harness = await startHarness();
    const data = harness.dataDirectory;
    await mkdir(`${data}/mine`, { recursive: true });
    await mkdir(`${data}/shared`, { recursive: true });
    await mkdir(`${data}/theirs`, { recursive: true });
    await writeFile(`${data}/shared/readme`, "shared text");
    await writeFile(`${data}/theirs/secret`, "not yours");
    const script = typeof scriptFor === "string" ? scriptFor : scriptFor(data);
    const base = buildRunJob({ name, dataDirectory: data });
    const job = singleContainer(
      base.job,
      {
        name: "main",
        command: ["sh", "-c", `exec > ${data}/mine/report 2>&1; ${script}`],
        workingDir: `${data}/mine`,
        volumeMounts: [
          { name: "data", mountPath: `${data}/mine`, subPath: "mine" },
          { name: "data", mountPath: `${data}/shared`, subPath: "shared", readOnly: true },
        ],
      },
      [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
    );
    await launch(harness.runtime, { ...base, job });
    await finishedJob(harness.runtime, name);
    return { report: await readFile(`${data}/mine/report`, "utf8"), data };
  }

  it("shows a container exactly its subPath mounts: a sibling directory of the same volume does not exist for it", async () => {
    const { report } = await runConfined(
      "confined",
      'cat "$PWD/../theirs/secret" || echo "theirs: hidden"; ls "$PWD/.." | tr "\\n" " "; echo',
    );
    expect(report).toContain("theirs: hidden");
    expect(report).not.toContain("not yours");
    expect(report.trim().split("\n").at(-1)?.trim().split(" ").sort()).toEqual(["mine", "shared"]);
  });

  it("keeps a readOnly mount read-only and the rest of the machine out of reach", async () => {
    outside = `${tmpdir()}/claude-k8s-outside-${process.pid}`;
    await mkdir(outside, { recursive: true });
    await writeFile(`${outside}/host-file`, "host text");
    const { report, data } = await runConfined("readonly", (volume) =>
      [
        `cat ${volume}/shared/readme; echo`,
        `echo overwrite > ${volume}/shared/readme && echo "shared: WRITTEN" || echo "shared: refused"`,
        `cat ${outside}/host-file 2>/dev/null || echo "host tmp: hidden"`,
        `test -e /etc/shadow && echo "shadow: present" || echo "shadow: absent"`,
        'echo scratch > /tmp/scratch && echo "tmp: writable"',
      ].join("; "),
    );
    expect(report).toContain("shared text");
    expect(report).toContain("shared: refused");
    expect(await readFile(`${data}/shared/readme`, "utf8")).toBe("shared text");
    expect(report).toContain("host tmp: hidden");
    expect(report).toContain("shadow: absent");
    expect(report).toContain("tmp: writable");
    // The pod's /tmp was its own: nothing it wrote there is on the host.
    await expect(readFile(`${tmpdir()}/scratch`, "utf8")).rejects.toMatchObject({ code: "ENOENT" });
  });

  it.runIf(asRoot)(
    "runs the container as the spec's runAsUser and runAsGroup, with fsGroup as a supplementary group, when the server is root",
    async () => {
      const { report } = await runConfined(
        "identity",
        'echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"; echo > mine-file; stat -c "%u %g" mine-file',
      );
      expect(report).toContain("uid=1000 gid=1000 groups=1000");
      expect(report).toContain("1000 1000");
    },
  );

  it("mounts a file subPath read-only over its read-write directory: the pod reads it but can neither change nor replace it", async () => {
    harness = await startHarness();
    const data = harness.dataDirectory;
    await mkdir(`${data}/run`, { recursive: true });
    await writeFile(`${data}/run/prompt.md`, "the prompt");
    const base = buildRunJob({ name: "file-mount", dataDirectory: data });
    const job = singleContainer(
      base.job,
      {
        name: "main",
        command: [
          "sh",
          "-c",
          [
            `cd ${data}/run`,
            "cat prompt.md > seen",
            'echo forged > prompt.md 2>/dev/null && echo "write: DONE" >> seen || echo "write: refused" >> seen',
            'rm -f prompt.md 2>/dev/null && echo "remove: DONE" >> seen || echo "remove: refused" >> seen',
            'mv seen seen2 && mv seen2 seen && echo "own files: writable" >> seen',
          ].join("; "),
        ],
        volumeMounts: [
          { name: "data", mountPath: `${data}/run`, subPath: "run" },
          { name: "data", mountPath: `${data}/run/prompt.md`, subPath: "run/prompt.md", readOnly: true },
        ],
      },
      [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
    );
    await launch(harness.runtime, { ...base, job });
    await finishedJob(harness.runtime, "file-mount");
    expect(await readFile(`${data}/run/seen`, "utf8")).toBe(
      "the prompt" + "write: refused\nremove: refused\nown files: writable\n",
    );
    expect(await readFile(`${data}/run/prompt.md`, "utf8")).toBe("the prompt");
  });

  it("sees only its own processes", async () => {
    const { report } = await runConfined("processes", 'ls /proc | grep -c "^[0-9]"');
    // bubblewrap's init, the shell, ls and grep: nothing of the host.
    expect(Number(report.trim())).toBeLessThanOrEqual(5);
  });

  it("lets the server read what the pod wrote and remove it", async () => {
    const { data } = await runConfined("cleanup", "mkdir -p deep/er && echo x > deep/er/file");
    expect(await readFile(`${data}/mine/deep/er/file`, "utf8")).toBe("x\n");
    const pod = await podOf(harness.runtime, "cleanup");
    expect(pod.status?.phase).toBe("Succeeded");
    await rm(`${data}/mine`, { recursive: true });
  });
});
