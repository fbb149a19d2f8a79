/** The README's install starts with `npm pack`: the e2e installs exactly that tarball. */
import { execFileSync } from "node:child_process";
import { basename, join } from "node:path";

/** `npm pack` of `packageDir` into `destination`; the tarball's absolute path. */
export function packInto(packageDir: string, destination: string): string {
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
      cwd: packageDir,
      encoding: "utf8",
    }),
  ) as Array<{ filename: string }>;
  return join(destination, basename(packed[0]?.filename ?? ""));
}
