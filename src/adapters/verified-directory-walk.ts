/**
 * The walk from a trusted root down to the directory that holds a pod's file, every component
 * below the root verified to be a real directory, never a symlink a pod planted or swapped in.
 *
 * On Linux `/proc/self/fd/N/name` resolves `name` inside the directory held open as fd N, whatever
 * its path names by now: the same guarantee as `openat(N, name)`, which Node does not expose. Each
 * component below the root is opened that way with O_NOFOLLOW|O_DIRECTORY, so a pod swapping a
 * directory for a symlink mid-walk gains nothing. Elsewhere the walk lstat-checks each component
 * and then uses plain paths: correct against a planted link, but racy against a pod that swaps one
 * between the check and the use.
 */
import { constants, existsSync } from "node:fs";
import { lstat, mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname, posix } from "node:path";
import type { PathScope } from "../ports/file-system-port.js";
import { describeFileType, errnoOf, unsafePath } from "./node-file-errors.js";
import { podFileOpenFlags } from "./pod-file-rules.js";

const { directory: DIRECTORY_FLAGS, root: ROOT_FLAGS } = podFileOpenFlags(constants);

/** True where the walk holds each directory by descriptor (see above). */
export const HAS_PROC_FD = existsSync("/proc/self/fd");

/** A directory reached by the verified walk: `at(name)` names an entry inside it. */
export interface VerifiedDirectory {
  at(name: string): string;
  close(): Promise<void>;
}

/** The components of `path` below `root`, or EUNSAFEPATH when it is not strictly inside it. */
export function componentsBelow(root: string, path: string): string[] {
  const relative = posix.relative(posix.normalize(root), posix.normalize(path));
  const parts = relative === "" ? [] : relative.split("/");
  const escapes = posix.isAbsolute(relative) || parts.some((part) => part === ".." || part === ".");
  const raw = path.split("/").some((part) => part === ".." || part === ".");
  if (escapes || raw || !posix.isAbsolute(path)) {
    throw unsafePath(path, `it is not inside the run-log root ${root}`);
  }
  return parts;
}

/** The directory holding `path`, every component below the scope's root verified. */
export function verifiedParentOf(path: string, scope: PathScope | undefined): Promise<VerifiedDirectory> {
  if (!scope) return walkBelow(dirname(path), [], path);
  const components = componentsBelow(scope.under, path);
  if (components.length === 0) throw unsafePath(path, `it is the run-log root ${scope.under} itself`);
  return walkBelow(scope.under, components.slice(0, -1), path);
}

/**
 * Opens the trusted `root` (the operator's path, followed as configured), then each component
 * below it as a real directory; `createMode` creates missing ones.
 */
export async function walkBelow(
  root: string,
  components: string[],
  path: string,
  createMode?: number,
): Promise<VerifiedDirectory> {
  if (!HAS_PROC_FD) return walkByPath(root, components, path, createMode);
  let current = await open(root, ROOT_FLAGS);
  const at = (handle: FileHandle, name: string) => `/proc/self/fd/${handle.fd}/${name}`;
  try {
    for (const component of components) {
      const name = at(current, component);
      let next: FileHandle;
      try {
        next = await open(name, DIRECTORY_FLAGS);
      } catch (error) {
        if (errnoOf(error) === "ENOENT" && createMode !== undefined) {
          await mkdir(name, createMode).catch((e: unknown) => {
            if (errnoOf(e) !== "EEXIST") throw e;
          });
          next = await openComponent(name, path, component);
        } else {
          next = await rethrowComponent(error, name, path, component);
        }
      }
      await current.close();
      current = next;
    }
  } catch (error) {
    await current.close();
    throw error;
  }
  const held = current;
  return { at: (name) => at(held, name), close: () => held.close() };
}

async function openComponent(name: string, path: string, component: string): Promise<FileHandle> {
  try {
    return await open(name, DIRECTORY_FLAGS);
  } catch (error) {
    return rethrowComponent(error, name, path, component);
  }
}

async function rethrowComponent(error: unknown, name: string, path: string, component: string): Promise<never> {
  if (errnoOf(error) === "ELOOP" || errnoOf(error) === "ENOTDIR") {
    const found = await lstat(name).then(describeFileType, () => "not a directory");
    throw unsafePath(path, `${found} stands where the directory "${component}" should be`);
  }
  throw error;
}

/** The portable walk: lstat each component (see HAS_PROC_FD for its race). */
async function walkByPath(
  root: string,
  components: string[],
  path: string,
  createMode?: number,
): Promise<VerifiedDirectory> {
  let current = root;
  for (const component of components) {
    current = `${current}/${component}`;
    let stats = await lstat(current).catch((error: unknown) => {
      if (errnoOf(error) === "ENOENT" && createMode !== undefined) return null;
      throw error;
    });
    if (stats === null) {
      await mkdir(current, createMode).catch((e: unknown) => {
        if (errnoOf(e) !== "EEXIST") throw e;
      });
      stats = await lstat(current);
    }
    if (!stats.isDirectory()) {
      throw unsafePath(path, `${describeFileType(stats)} stands where the directory "${component}" should be`);
    }
  }
  const held = current;
  return { at: (name) => `${held}/${name}`, close: async () => undefined };
}
