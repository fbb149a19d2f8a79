/**
 * The pod's fsGroup applied to its volumes, as the kubelet does before a pod's containers start:
 * every file and directory gets the fsGroup as its group and group read/write (read-only mounts:
 * read), directories the setgid bit so what is created in them later keeps that group. Only
 * needed, and only done, when the server is root and the pod runs as another uid: the server
 * then creates a run's directory and prompt as root, and the pod reaches them through its group.
 *
 * Applied on every pod start (Kubernetes' `Always` policy): files the server made after an
 * earlier pod still need their group. Files of other host users (a database's own files, say)
 * are left alone: only what root or the pod's uid owns is changed.
 *
 * The walk runs as root over directories hostile pods have written (symlinks, races), so it runs
 * confined: inside a bubblewrap sandbox that holds only the system directories (read-only) and
 * these volumes. A symlink that a pod swaps in mid-walk can lead nowhere but into them.
 */
import { spawn } from "node:child_process";
import { BWRAP_PATH, systemBindArgs } from "./sandbox-host.js";

export interface OwnedVolume {
  /** The directory on this machine. */
  readonly path: string;
  readonly readOnly: boolean;
}

const WALK_TIMEOUT_MS = 120_000;
const OUTPUT_LIMIT = 500;

/**
 * `$1` fsGroup, `$2` the pod's uid, then pairs of (rw|r, directory). An entry that vanishes
 * mid-walk (another run's temporary file, renamed into place) is no failure; any other error is.
 */
const WALK_SCRIPT = [
  "group=$1; user=$2; shift 2; status=0",
  "while [ $# -ge 2 ]; do",
  "  access=$1; directory=$2; shift 2",
  '  errors=$(find "$directory" ! -type l \\( -user 0 -o -user "$user" \\) -exec chgrp -h "$group" {} + \\',
  '    \\( -type d -exec chmod "g+${access}xs" {} + -o -type f -exec chmod "g+${access}X" {} + \\) 2>&1 >/dev/null |',
  '    grep -v "No such file or directory")',
  '  if [ -n "$errors" ]; then printf "%s\\n" "$errors" >&2; status=1; fi',
  "done",
  "exit $status",
].join("\n");

/** Applies `fsGroup` to the volumes; resolves with a problem description, or undefined when done. */
export async function applyFsGroup(
  volumes: readonly OwnedVolume[],
  fsGroup: number,
  podUid: number,
): Promise<string | undefined> {
  if (volumes.length === 0) return undefined;
  const args = [
    ...systemBindArgs(),
    ...["--dev", "/dev"],
    ...volumes.flatMap((volume) => ["--bind", volume.path, volume.path]),
    "--unshare-pid",
    "--die-with-parent",
    "/bin/sh",
    "-c",
    WALK_SCRIPT,
    "sh",
    String(fsGroup),
    String(podUid),
    ...volumes.flatMap((volume) => [volume.readOnly ? "r" : "rw", volume.path]),
  ];
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(BWRAP_PATH, args, { stdio: ["ignore", "ignore", "pipe"], timeout: WALK_TIMEOUT_MS });
    child.stderr.on("data", (chunk: Buffer) => {
      if (output.length < OUTPUT_LIMIT) output += chunk.toString("utf8");
    });
    child.once("error", (error) => resolve(`could not apply fsGroup ${fsGroup}: ${error.message}`));
    child.once("close", (code, signal) => {
      if (code === 0) return resolve(undefined);
      const words = output.trim().slice(0, OUTPUT_LIMIT) || `exit ${String(code ?? signal)}`;
      resolve(`could not apply fsGroup ${fsGroup} to the pod's volumes: ${words}`);
    });
  });
}
