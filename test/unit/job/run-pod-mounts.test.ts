/**
 * The run pod's mounts of the shared claim: never its root, only this run's directory, its prompt
 * (read-only), the working directory, the agent's home and this company's bundles (read-only), each
 * by subPath at exactly the absolute path the server uses for the same files.
 */
import { describe, expect, it } from "vitest";
import {
  JobManifestFactory,
  type JobRunSpec,
  type RunManifests,
} from "../../../src/domain/job/job-manifest-factory.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { agentAreas } from "../../../src/domain/volume-layout.js";
import type { VolumeMount } from "../../../src/ports/kubernetes-objects.js";
import { runSpec } from "./manifest-fixtures.js";

const build = (spec: JobRunSpec): RunManifests => {
  const result = new JobManifestFactory().build(spec);
  if (!result.ok) throw new Error(result.failure.errorMessage);
  return result.value;
};

const claimMounts = (m: RunManifests): VolumeMount[] => {
  const pod = m.job.spec.template.spec;
  const claim = pod.volumes?.find((v) => v.persistentVolumeClaim)?.name;
  return [...(pod.initContainers ?? []), ...pod.containers].flatMap((c) =>
    (c.volumeMounts ?? []).filter((mount) => mount.name === claim),
  );
};

const ids = { tenantId: "company-1", agentId: "agent-2", runId: "run-3" };
const bundle = "/paperclip/claude-k8s/companies/company-1/bundles/0123abcd";

const specs: Array<[string, JobRunSpec]> = [
  ["a plain run", runSpec()],
  [
    "a run with instructions and skills bundles",
    runSpec({
      claude: {
        resumeSessionId: null,
        freshSessionId: null,
        appendSystemPromptFile: `${bundle}/agent-instructions.md`,
        addDirs: [bundle],
      },
    }),
  ],
  [
    "a run in the adapter's default workspace",
    runSpec({ workingDirectory: agentAreas("/paperclip", ids).defaultWorkspace }),
  ],
  [
    "a run with a trailing-slash data mount and run-log root",
    runSpec(
      { paths: runFilePaths("/paperclip/logs/", ids), workingDirectory: "/paperclip/repos/acme/" },
      { dataMountPath: "/paperclip/" },
    ),
  ],
];

describe.each(specs)("the claim mounts of %s", (_name, spec) => {
  const m = build(spec);

  it("never mount the claim root: every one has a non-empty relative subPath without '..'", () => {
    expect(claimMounts(m).length).toBeGreaterThan(0);
    for (const mount of claimMounts(m)) {
      expect(mount.subPath).toBeTruthy();
      expect(mount.subPath?.startsWith("/")).toBe(false);
      expect(mount.subPath?.split("/")).not.toContain("..");
      expect(mount.mountPath.replace(/\/+$/, "")).not.toBe("/paperclip");
    }
  });

  it("mount each subPath at exactly the server's own absolute path for it (data mount + '/' + subPath)", () => {
    for (const mount of claimMounts(m)) expect(mount.mountPath).toBe(`/paperclip/${mount.subPath}`);
  });

  it("give the pod exactly its run directory, prompt, workspace, home and bundles — each the server's path", () => {
    const areas = agentAreas("/paperclip", spec);
    const main = m.job.spec.template.spec.containers[0]!;
    const mounted = (main.volumeMounts ?? []).filter((v) => v.subPath).map((v) => [v.mountPath, v.readOnly]);
    const bundles =
      [spec.claude.appendSystemPromptFile, ...spec.claude.addDirs].filter(Boolean).length > 0 ? [[bundle, true]] : [];
    expect(mounted).toEqual([
      [spec.paths.directory, false],
      [spec.paths.prompt, true],
      [spec.workingDirectory.replace(/\/+$/, ""), false],
      [areas.home, false],
      ...bundles,
    ]);
    expect(main.workingDir).toBe(spec.workingDirectory);
    expect(main.env?.find((e) => e.name === "HOME")?.value).toBe(areas.home);
  });

  it("have the server create the sources of exactly the read-write mounts", () => {
    const writable = claimMounts(m)
      .filter((v) => !v.readOnly)
      .map((v) => v.mountPath);
    expect([...new Set(writable)]).toEqual(m.directories);
  });
});

describe("extra directories for claude", () => {
  it("refuses an instructions file outside the company's bundles and the workspace, naming it", () => {
    const other = "/paperclip/claude-k8s/companies/company-9/bundles/0123abcd/agent-instructions.md";
    const result = new JobManifestFactory().build(
      runSpec({ claude: { resumeSessionId: null, freshSessionId: null, appendSystemPromptFile: other, addDirs: [] } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errorCode).toBe("invalid_run_input");
    expect(result.failure.errorMessage).toContain("company-9");
  });

  it("mounts an add-dir inside the working directory through the workspace mount, adding none", () => {
    const spec = runSpec({
      claude: {
        resumeSessionId: null,
        freshSessionId: null,
        appendSystemPromptFile: null,
        addDirs: ["/paperclip/workspaces/agent-2/docs"],
      },
    });
    expect(claimMounts(build(spec)).map((v) => v.mountPath)).not.toContain("/paperclip/workspaces/agent-2/docs");
  });
});
