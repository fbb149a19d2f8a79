/**
 * Reads an agent's instructions file only from Paperclip's managed instructions directory for that
 * agent (`<instance root>/companies/<company>/agents/<agent>/instructions`, where Paperclip's
 * instructions editor writes): per-agent config names the path, and it must not make the server
 * copy one of its own files (its environment, keys, another agent's instructions) onto the shared
 * volume. The path must resolve inside the root, be a regular file with one link reached without
 * following a symlink, and stay under a size cap. Each refusal is a named `invalid_config`.
 */
import { constants } from "node:fs";
import { lstat, open, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { fail, ok, runFailure, type Result } from "../domain/errors.js";

/** Instructions are appended to the system prompt; anything larger is not an instructions file. */
export const MAX_INSTRUCTIONS_BYTES = 1024 * 1024;

export interface InstructionsOwner {
  readonly companyId: string;
  readonly agentId: string;
}

/** Paperclip's managed instructions directory for one agent, under the server's instance root. */
export function managedInstructionsRoot(instanceRoot: string, owner: InstructionsOwner): string {
  return join(instanceRoot, "companies", owner.companyId, "agents", owner.agentId, "instructions");
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
};

function refused(reason: string): Result<never> {
  return fail(runFailure("invalid_config", { field: "instructionsFilePath", reason }));
}

/** The file's text; null when it does not exist (the caller warns and runs without it). */
export async function readManagedInstructions(
  path: string,
  root: string | null,
  maxBytes = MAX_INSTRUCTIONS_BYTES,
): Promise<Result<string | null>> {
  if (root === null) {
    return refused(
      "the Paperclip server's instance root is unknown (check PAPERCLIP_HOME and PAPERCLIP_INSTANCE_ID on the server), so no instructions file can be read; clear the field",
    );
  }
  const where = `this agent's managed instructions directory ${root} (edit the instructions in Paperclip)`;
  const absolute = resolve(path);
  if (!isAbsolute(path) || !inside(root, absolute)) return refused(`it must name a file in ${where}`);
  let link;
  try {
    link = await lstat(absolute);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return ok(null);
    return refused(
      `it cannot be inspected (${(error as NodeJS.ErrnoException).code ?? "error"}); it must be a file in ${where}`,
    );
  }
  if (link.isSymbolicLink()) return refused(`it is a symbolic link; it must be a regular file in ${where}`);
  if (!link.isFile()) return refused(`it is not a regular file; it must be a regular file in ${where}`);
  const realRoot = await realpath(root).catch(() => null);
  const realFile = await realpath(absolute).catch(() => null);
  if (realRoot === null || realFile === null || !inside(realRoot, realFile)) {
    return refused(`it leaves the directory through a symbolic link; it must be a regular file in ${where}`);
  }
  return readBounded(absolute, maxBytes, where);
}

async function readBounded(path: string, maxBytes: number, where: string): Promise<Result<string | null>> {
  let handle;
  try {
    // No symlink, no blocking on a FIFO swapped in after the checks above.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    return refused(
      `it cannot be opened without following a link (${(error as NodeJS.ErrnoException).code ?? "error"}); it must be a regular file in ${where}`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile() || stat.nlink !== 1) {
      return refused(`it is not a regular file with a single link; it must be a regular file in ${where}`);
    }
    if (stat.size > maxBytes) {
      return refused(`it is ${stat.size} bytes, over the ${maxBytes}-byte limit for instructions; shorten it`);
    }
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, maxBytes + 1, 0);
    if (bytesRead > maxBytes) return refused(`it grew over the ${maxBytes}-byte limit for instructions; shorten it`);
    return ok(buffer.subarray(0, bytesRead).toString("utf8"));
  } finally {
    await handle.close();
  }
}
