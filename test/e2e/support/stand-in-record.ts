/**
 * The Claude stand-in as the e2e suite sees it: how it was invoked (each pod appends one JSON line
 * per call to `recordFile` in its own working directory, somewhere under the server's home), and
 * which of the suite's stand-in processes still run.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { hasEnvironmentEntry, listProcesses } from "./process-tree.js";

export interface StandInInvocation {
  readonly argv: string[];
}

/** Every pod's record lines under `home`; one agent's lines stay in their order. */
export function readStandInInvocations(home: string, recordFile: string): StandInInvocation[] {
  const files = readdirSync(home, { recursive: true, encoding: "utf8" })
    .filter((path) => basename(path) === recordFile)
    .sort();
  return files.flatMap((file) =>
    readFileSync(join(home, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as StandInInvocation),
  );
}

/** The stand-in processes running now whose environment records to `recordFile` (one suite's). */
export function standInProcessesRecordingTo(recordFile: string): number[] {
  return listProcesses()
    .filter((info) => info.command.includes("claude-stand-in"))
    .filter((info) => hasEnvironmentEntry(info.pid, `CLAUDE_STAND_IN_RECORD=${recordFile}`))
    .map((info) => info.pid);
}
