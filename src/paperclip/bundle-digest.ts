/**
 * A bundle's content hash, re-computed from what is on the volume: every entry's relative path and
 * kind, and each regular file's size and SHA-256, walked in a fixed order without following links.
 * Anything planted (a link, a FIFO, an extra file) or changed changes the digest. Bounded: a tree
 * past the limits gets no digest, so it never matches and is rewritten.
 */
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { join } from "node:path";

const MAX_ENTRIES = 10_000;
const MAX_BYTES = 64 * 1024 * 1024;

export async function bundleDigest(root: string): Promise<string | null> {
  const hash = createHash("sha256").update("claude-k8s-bundle-tree:v1\0");
  const budget = { entries: 0, bytes: 0 };
  try {
    return (await walk(root, "", hash, budget)) ? hash.digest("hex") : null;
  } catch {
    return null;
  }
}

async function walk(
  root: string,
  relative: string,
  hash: ReturnType<typeof createHash>,
  budget: { entries: number; bytes: number },
): Promise<boolean> {
  const names = (await readdir(join(root, relative))).sort();
  for (const name of names) {
    if (++budget.entries > MAX_ENTRIES) return false;
    const path = relative ? `${relative}/${name}` : name;
    const info = await lstat(join(root, path));
    if (info.isDirectory()) {
      hash.update(`d\0${path}\0`);
      if (!(await walk(root, path, hash, budget))) return false;
    } else if (info.isFile()) {
      budget.bytes += info.size;
      if (budget.bytes > MAX_BYTES) return false;
      hash.update(`f\0${path}\0${info.size}\0${await fileHash(join(root, path))}\0`);
    } else {
      hash.update(`x\0${path}\0`);
    }
  }
  return true;
}

async function fileHash(path: string): Promise<string> {
  // A link or FIFO swapped in after lstat is refused, never followed or waited on.
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const hash = createHash("sha256");
    const buffer = new Uint8Array(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest("hex");
  } finally {
    await handle.close();
  }
}
