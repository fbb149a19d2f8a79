/**
 * Paperclip's sandbox Worker for external UI parsers, exactly as the installed Paperclip UI ships
 * it: the source text is a template literal inside one of the UI's bundled assets, which the host
 * turns into a Blob Worker. The browser e2e runs that very text, so the test follows the host's
 * code, not our copy of it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Text only the parser Worker's source contains (its init failure message). */
const WORKER_MARKER = '"Parser init failed: "';

/**
 * The statements of the Worker's lockdown that assign getter-only globals. Under the Worker's
 * `"use strict"` Chromium throws on them, so the Worker dies before it installs its message handler.
 */
export const GETTER_ONLY_ASSIGNMENTS = ["self.caches = _undefined;", "self.indexedDB = _undefined;"] as const;

export interface HostParserWorker {
  /** The asset the Worker's source was taken from (…/ui-dist/assets/<name>.js). */
  readonly assetFile: string;
  /** The Worker's source text, as the host puts it into the Blob. */
  readonly source: string;
}

/** `…/node_modules/@paperclipai/server/ui-dist/assets`, found upwards from the paperclipai CLI entry. */
export function paperclipUiAssetsDir(paperclipCli: string): string {
  for (let dir = dirname(paperclipCli); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", "@paperclipai", "server", "ui-dist", "assets");
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`no @paperclipai/server/ui-dist/assets above ${paperclipCli}: is paperclipai installed?`);
}

/** Index of the backtick that opens (searching back) or closes (forward) the literal around `from`. */
function unescapedBacktick(text: string, from: number, step: 1 | -1): number {
  for (let i = from; i >= 0 && i < text.length; i += step) {
    if (text[i] !== "`") continue;
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === "\\"; j--) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
  return -1;
}

/** The value of a template literal without substitutions, from its raw text between the backticks. */
function cookTemplateLiteral(raw: string, assetFile: string): string {
  if (/(^|[^\\])\$\{/.test(raw)) throw new Error(`the parser Worker literal in ${assetFile} has substitutions`);
  // A literal without substitutions is a constant: evaluating it runs nothing but the literal itself.
  return new Function(`return \`${raw}\`;`)() as string;
}

export function loadHostParserWorker(assetsDir: string): HostParserWorker {
  const found: HostParserWorker[] = [];
  for (const name of readdirSync(assetsDir).filter((file) => file.endsWith(".js"))) {
    const assetFile = join(assetsDir, name);
    const text = readFileSync(assetFile, "utf8");
    const marker = text.indexOf(WORKER_MARKER);
    if (marker < 0) continue;
    const open = unescapedBacktick(text, marker, -1);
    const close = unescapedBacktick(text, marker, 1);
    if (open < 0 || close < 0) throw new Error(`cannot delimit the parser Worker literal in ${assetFile}`);
    found.push({ assetFile, source: cookTemplateLiteral(text.slice(open + 1, close), assetFile) });
  }
  if (found.length !== 1) {
    throw new Error(`expected one parser Worker source in ${assetsDir}, found ${found.length}: the host UI changed`);
  }
  return found[0] as HostParserWorker;
}

/**
 * The host's fix, one statement per getter-only global: define the global instead of assigning
 * it. `Object.defineProperty` shadows the inherited getter, so the lockdown still holds.
 */
export function fixedStatement(statement: (typeof GETTER_ONLY_ASSIGNMENTS)[number]): string {
  const name = /^self\.(\w+) = /.exec(statement)?.[1] ?? "";
  return `Object.defineProperty(self, "${name}", { value: _undefined });`;
}

/**
 * The Worker source (or the UI asset that holds it) with the getter-only assignments replaced by
 * the host's fix. Throws when one is missing, so a host change shows up here rather than as a pass.
 */
export function withGetterOnlyAssignmentsFixed(source: string): string {
  let out = source;
  for (const statement of GETTER_ONLY_ASSIGNMENTS) {
    if (!out.includes(statement)) throw new Error(`the host's parser Worker no longer contains \`${statement}\``);
    out = out.split(statement).join(fixedStatement(statement));
  }
  return out;
}
