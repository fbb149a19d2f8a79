/**
 * Builds the ui-parser bundle with esbuild into a temp dir and evaluates it the way Paperclip's
 * browser worker does: `new Function("exports","module","self","globalThis", source)`, no `require`.
 */
import { build } from "esbuild";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import type { TranscriptEntry } from "@paperclipai/adapter-utils";

export type ParseStdoutLine = (line: string, ts: string) => TranscriptEntry[];

export interface LoadedBundle {
  readonly source: string;
  readonly parseStdoutLine: ParseStdoutLine;
}

export async function buildUiParserBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ui-parser-bundle-"));
  try {
    const outfile = join(dir, "ui-parser.cjs");
    await build({
      entryPoints: ["src/ui-parser/index.ts"],
      bundle: true,
      format: "cjs",
      platform: "neutral",
      target: "es2020",
      outfile,
      logLevel: "silent",
    });
    return await readFile(outfile, "utf8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Mirrors Paperclip's parser worker (ui-dist, 2026.916.1): the source is wrapped in
 * `"use strict"; { ... }`, evaluated by `new Function("exports","module","self","globalThis", ...)`
 * with `self` and `globalThis` undefined, and module.exports is used when it has keys. It runs in a
 * fresh V8 context, so no `require`, `process` or `Buffer` exists, as in the browser worker.
 */
export function evaluateLikeTheHost(source: string): ParseStdoutLine {
  // The worker's exact wrapping of the fetched source.
  const body = `"use strict";\n{\n${source}\n}`;
  const host = `
    const exports = {};
    const module = { exports };
    const factory = new Function("exports", "module", "self", "globalThis", body);
    factory(exports, module, undefined, undefined);
    const resolved = module.exports && typeof module.exports === "object" && Object.keys(module.exports).length > 0
      ? module.exports
      : exports;
    resolved.parseStdoutLine;`;
  const parse: unknown = runInNewContext(host, { body });
  if (typeof parse !== "function") throw new Error("bundle does not export parseStdoutLine");
  return parse as ParseStdoutLine;
}

export async function loadBundle(): Promise<LoadedBundle> {
  const source = await buildUiParserBundle();
  return { source, parseStdoutLine: evaluateLikeTheHost(source) };
}
