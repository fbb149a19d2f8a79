/**
 * The run pod's view of the shared claim: never its root, only these directories, each mounted with
 * `subPath` at the same absolute path the server uses (so writer and reader name the same files, and
 * the local runtime's identity mapping holds: mountPath = dataMountPath + "/" + subPath):
 *
 *  - the run's own directory, read-write (stdout, stderr, trailer), and its prompt file over it,
 *    read-only (the pod cannot rewrite or replace it, whatever its uid);
 *  - the working directory and the agent's HOME, read-write;
 *  - each instructions/skills bundle of the run's company, read-only.
 *
 * The server creates every read-write source directory before the Job exists (a missing subPath
 * would be created by the kubelet as root), with `DIRECTORY_MODE`: owner and group only. The pod
 * reaches them as the same uid as the server or through its fsGroup; other users of the volume cannot.
 */
import { fail, ok, runFailure, type Result } from "../errors.js";
import type { RunFilePaths } from "../run-log-paths.js";
import { isWithin, normalizePath, subPathOf } from "../volume-layout.js";

/** rwx for the owner and the group (the pod's fsGroup), nothing for other users of the volume. */
export const DIRECTORY_MODE = 0o770;

export type DataMountPurpose = "run" | "prompt" | "workspace" | "home" | "bundle";

export interface DataMount {
  readonly purpose: DataMountPurpose;
  /** Relative to the claim root (the data mount path). */
  readonly subPath: string;
  /** Absolute, identical to the server's path: dataMountPath + "/" + subPath. */
  readonly mountPath: string;
  readonly readOnly: boolean;
}

export interface DataMountInput {
  readonly dataMountPath: string;
  readonly paths: RunFilePaths;
  readonly workingDirectory: string;
  readonly home: string;
  /** This company's bundle area: the only place outside the workspace claude's extra files may come from. */
  readonly companyBundles: string;
  readonly appendSystemPromptFile: string | null;
  readonly addDirs: readonly string[];
}

export interface DataMountPlan {
  readonly mounts: readonly DataMount[];
  /** Directories the server creates before the Job (the read-write mounts' sources). */
  readonly directories: readonly string[];
}

export function planDataMounts(input: DataMountInput): Result<DataMountPlan> {
  const mounts: DataMount[] = [];
  const add = (purpose: DataMountPurpose, path: string, readOnly: boolean): string | null => {
    const subPath = subPathOf(input.dataMountPath, path);
    if (subPath === null) return path;
    if (!mounts.some((m) => m.subPath === subPath)) {
      mounts.push({
        purpose,
        subPath,
        mountPath: `${normalizePath(input.dataMountPath).replace(/\/$/, "")}/${subPath}`,
        readOnly,
      });
    }
    return null;
  };

  if (add("run", input.paths.directory, false) !== null || add("prompt", input.paths.prompt, true) !== null) {
    return fail(
      runFailure("invalid_config", {
        field: "runLogRoot",
        reason: `the run directory ${input.paths.directory} is not below the data mount ${input.dataMountPath}, so the run pod could not write there; leave runLogRoot empty or put it on the data volume`,
      }),
    );
  }
  add("workspace", input.workingDirectory, false);
  add("home", input.home, false);

  const extras: Array<[string, string]> = [
    ...(input.appendSystemPromptFile ? [["instructions file", input.appendSystemPromptFile] as [string, string]] : []),
    ...input.addDirs.map((dir): [string, string] => ["claude add-dir", dir]),
  ];
  for (const [field, path] of extras) {
    if (isWithin(path, input.workingDirectory)) continue;
    const bundle = bundleRootOf(path, input.companyBundles);
    if (bundle === null) {
      return fail(
        runFailure("invalid_run_input", {
          field,
          reason: `${JSON.stringify(path)} is neither in this company's bundles (${input.companyBundles}) nor in the working directory, so the run pod cannot see it`,
        }),
      );
    }
    add("bundle", bundle, true);
  }
  return ok({
    mounts,
    directories: mounts.filter((m) => !m.readOnly).map((m) => m.mountPath),
  });
}

/** `<companyBundles>/<key>` for a path inside one bundle; null for anything else. */
function bundleRootOf(path: string, companyBundles: string): string | null {
  const root = normalizePath(companyBundles);
  const p = normalizePath(path);
  if (p.split("/").some((part) => part === "." || part === "..")) return null;
  if (p === root || !isWithin(p, root)) return null;
  const key = p.slice(root.length + 1).split("/")[0];
  return key ? `${root}/${key}` : null;
}
