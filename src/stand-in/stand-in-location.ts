/**
 * Where the Claude STAND-IN's `bin/claude` is, for a local runtime's `pathPrepend`. Works from the
 * sources (tests, `tsx`) and from the built package (dist/stand-in → src/stand-in, which must be
 * shipped alongside dist).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function claudeStandInBinDirectory(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "bin"), join(here, "..", "..", "src", "stand-in", "bin")];
  const found = candidates.find((directory) => existsSync(join(directory, "claude")));
  if (found === undefined) {
    throw new Error(`The Claude stand-in was not found (looked in ${candidates.join(", ")}); reinstall the package.`);
  }
  return found;
}
