import { describe, expect, it } from "vitest";
import { MountTable, mountProblems, type DataVolumeRule } from "../../../src/adapters/local-runtime/mount-table.js";
import type { PodSpec } from "../../../src/ports/kubernetes-objects.js";

const rule: DataVolumeRule = { dataDirectory: "/srv/data", dataClaimName: "paperclip-data" };
const volumes: PodSpec["volumes"] = [
  { name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } },
  { name: "prompt", emptyDir: {} },
  { name: "tmp", emptyDir: {} },
];
const spec = (
  mounts: Array<{ name: string; mountPath: string; subPath?: string }>,
  extra: PodSpec["volumes"] = [],
): PodSpec => ({
  containers: [{ name: "main", command: ["sh"], volumeMounts: mounts }],
  volumes: [...(volumes ?? []), ...(extra ?? [])],
});
const table = (mounts: Array<{ name: string; mountPath: string; subPath?: string }>) =>
  MountTable.forContainer(mounts, spec(mounts), rule, "/sandbox/volumes");

describe("mount table: one rule for where mounts live and how their paths are translated", () => {
  it("maps the data claim to the data directory itself and emptyDirs into the pod sandbox", () => {
    expect(
      table([
        { name: "data", mountPath: "/srv/data" },
        { name: "prompt", mountPath: "/tmp/prompt" },
      ]).mappings,
    ).toEqual([
      { volumeName: "data", mountPath: "/srv/data", localPath: "/srv/data" },
      { volumeName: "prompt", mountPath: "/tmp/prompt", localPath: "/sandbox/volumes/prompt" },
    ]);
  });

  it("translates a mount path only as a whole path prefix", () => {
    const mounts = table([{ name: "prompt", mountPath: "/tmp/prompt" }]);
    expect(mounts.translate("cat '/tmp/prompt/p.md' /tmp/prompt")).toBe(
      "cat '/sandbox/volumes/prompt/p.md' /sandbox/volumes/prompt",
    );
    expect(mounts.translate("/var/tmp/prompt /tmp/prompts x/tmp/prompt")).toBe(
      "/var/tmp/prompt /tmp/prompts x/tmp/prompt",
    );
    expect(mounts.translate("PROMPT=/tmp/prompt:/other")).toBe("PROMPT=/sandbox/volumes/prompt:/other");
  });

  it("never rewrites a path inside the identity-mapped data directory, even under a shorter translated mount", () => {
    const mounts = MountTable.forContainer(
      [
        { name: "data", mountPath: "/tmp/x/data" },
        { name: "tmp", mountPath: "/tmp" },
      ],
      spec([
        { name: "data", mountPath: "/tmp/x/data" },
        { name: "tmp", mountPath: "/tmp" },
      ]),
      { dataDirectory: "/tmp/x/data", dataClaimName: "paperclip-data" },
      "/sandbox/volumes",
    );
    expect(mounts.translate("/tmp/x/data/log /tmp/scratch")).toBe("/tmp/x/data/log /sandbox/volumes/tmp/scratch");
  });

  it("prefers the longest mount path and honours subPath", () => {
    const mounts = table([
      { name: "tmp", mountPath: "/work" },
      { name: "prompt", mountPath: "/work/prompt", subPath: "p" },
    ]);
    expect(mounts.translate("/work/prompt/a /work/b")).toBe("/sandbox/volumes/prompt/p/a /sandbox/volumes/tmp/b");
    expect(mounts.localPathOf("/work/prompt/x/")).toBe("/sandbox/volumes/prompt/p/x");
    expect(mounts.localPathOf("/elsewhere")).toBeUndefined();
  });

  it("refuses a data volume mounted anywhere but the data directory, naming the fix", () => {
    const problems = mountProblems(spec([{ name: "data", mountPath: "/paperclip" }]), rule);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('must be mounted at the data directory itself ("/srv/data")');
    expect(
      mountProblems(spec([{ name: "data", mountPath: "/srv/data/instances", subPath: "instances" }]), rule),
    ).toEqual([]);
  });

  it("refuses undeclared volumes, '/' or relative mount paths, '..' subPaths, other claims and required ConfigMaps", () => {
    const problems = mountProblems(
      spec(
        [
          { name: "ghost", mountPath: "/g" },
          { name: "tmp", mountPath: "/" },
          { name: "prompt", mountPath: "rel" },
          { name: "tmp", mountPath: "/t", subPath: "../up" },
        ],
        [
          { name: "other", persistentVolumeClaim: { claimName: "someone-else" } },
          { name: "cm", configMap: { name: "settings" } },
          { name: "optional-cm", configMap: { name: "settings", optional: true } },
        ],
      ),
      rule,
    );
    expect(problems.join("\n")).toMatch(/no volume named "ghost"/);
    expect(problems.filter((p) => p.includes("absolute path other than"))).toHaveLength(2);
    expect(problems.join("\n")).toMatch(/subPath "..\/up"/);
    expect(problems.join("\n")).toMatch(/claims PVC "someone-else"/);
    expect(problems.join("\n")).toMatch(/needs ConfigMap "settings"/);
    expect(problems).toHaveLength(6);
  });
});
