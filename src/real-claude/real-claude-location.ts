/**
 * Where the real Claude Code CLI is: the native binary of the platform package npm installs with
 * `@anthropic-ai/claude-code` (pinned in devDependencies). The platform package's directory holds
 * an executable named `claude`, so it can go straight onto a pod's PATH. The wrapper's postinstall
 * (which would copy the binary into its own bin/) is not needed, so `--ignore-scripts` installs work.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

function platformPackage(): string {
  const musl = process.platform === "linux" && isMusl() ? "-musl" : "";
  return `@anthropic-ai/claude-code-${process.platform}-${process.arch}${musl}`;
}

function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime === undefined;
}

/** The directory holding the real `claude` executable, or null when the package is not installed. */
export function realClaudeBinDirectory(): string | null {
  const require = createRequire(import.meta.url);
  try {
    const directory = dirname(require.resolve(`${platformPackage()}/package.json`));
    return existsSync(join(directory, "claude")) ? directory : null;
  } catch {
    return null;
  }
}
