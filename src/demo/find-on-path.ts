import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";

/** The first executable named `command` on PATH, or null. */
export async function findOnPath(command: string): Promise<string | null> {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}
