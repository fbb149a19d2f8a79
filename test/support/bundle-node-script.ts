/**
 * Bundles a TypeScript entry into one ES module node can run as a child process (node cannot run the
 * TypeScript sources); package imports stay external, so the bundle must sit inside the repository
 * (its .cache) for them to resolve.
 */
import { build } from "esbuild";

export async function bundleNodeScript(entry: URL, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry.pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile,
    logLevel: "silent",
  });
  return outfile;
}
