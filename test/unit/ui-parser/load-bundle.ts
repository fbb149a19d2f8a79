/**
 * Builds the ui-parser bundle with esbuild into a temp dir and evaluates it the way Paperclip's
 * browser does: `new Function("exports","module","self","globalThis", source)` with no `require`.
 */
import { build } from "esbuild";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

export function evaluateLikeTheHost(source: string): ParseStdoutLine {
  const module: { exports: Record<string, unknown> } = { exports: {} };
  // A sandbox global with no require, process or module loader, like the host's locked-down worker.
  const sandboxGlobal = Object.freeze({});
  const run = new Function("exports", "module", "self", "globalThis", source);
  run(module.exports, module, sandboxGlobal, sandboxGlobal);
  const parse = module.exports.parseStdoutLine;
  if (typeof parse !== "function") throw new Error("bundle does not export parseStdoutLine");
  return parse as ParseStdoutLine;
}

export async function loadBundle(): Promise<LoadedBundle> {
  const source = await buildUiParserBundle();
  return { source, parseStdoutLine: evaluateLikeTheHost(source) };
}
