/** A run's three tail files (stdout, stderr, trailer) in a fresh temporary directory on the real file system. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TailTarget } from "../../src/domain/tailer/log-tailer.js";

export function tailTargetInTempDirectory(prefix: string): TailTarget {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  return {
    root: directory,
    stdoutPath: join(directory, "r.pod.ndjson"),
    stderrPath: join(directory, "r.pod.stderr.log"),
    trailerPath: join(directory, "r.pod.trailer.json"),
  };
}
