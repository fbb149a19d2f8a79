/**
 * The stream-json module is inlined into the UI parser that Paperclip's browser evaluates: loading it
 * must do nothing. esbuild keeps any top-level statement that may have an effect, so importing a file
 * for nothing must bundle to nothing.
 */
import { build } from "esbuild";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

const MODULE_DIR = "src/domain/stream-json";

/** What esbuild keeps of `source` when nothing it exports is used. */
async function keptWhenUnused(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: "ts" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    treeShaking: true,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}

describe("the stream-json module", () => {
  const files = readdirSync(MODULE_DIR).filter((name) => name.endsWith(".ts"));

  it.each(files)("%s does nothing when loaded", async (file) => {
    expect(await keptWhenUnused(`import "./${MODULE_DIR}/${file}";`)).toBe("");
  });

  it("the check sees a top-level effect (a module-level cache or a call)", async () => {
    expect(await keptWhenUnused("export const cache = new Map(); globalThis.x = 1;")).toContain("globalThis.x");
  });
});
