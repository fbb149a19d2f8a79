import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadHostParserWorker, withGetterOnlyAssignmentsFixed } from "./host-parser-worker.js";

/** A UI asset shaped like the host's: the Worker source as a template literal between other code. */
const WORKER_LITERAL_RAW = [
  '"use strict";',
  "const _undefined = void 0;",
  "self.caches = _undefined;",
  "self.indexedDB = _undefined;",
  'const f = new Function("exports", "\\\\"use strict\\\\";\\\\n{\\\\n" + src + "\\\\n}");',
  "const tick = \\`quoted\\`;",
  'self.postMessage({ type: "error", message: "Parser init failed: " + e });',
].join("\n");
const ASSET = `const before=\`other ${"literal"}\`;var Zw=\`${WORKER_LITERAL_RAW}\`;function Qw(){return new Blob([Zw])}`;

let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function assetsWith(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), "ui-assets-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("the host's parser Worker, read from its UI bundle", () => {
  it("takes the Worker source out of its template literal with the literal's escapes resolved", () => {
    const worker = loadHostParserWorker(assetsWith({ "a.js": "x", "b.js": ASSET, "c.css": ASSET }));
    expect(worker.assetFile).toBe(join(dir, "b.js"));
    expect(worker.source.startsWith('"use strict";\n')).toBe(true);
    expect(worker.source).toContain('"\\"use strict\\";\\n{\\n" + src');
    expect(worker.source).toContain("const tick = `quoted`;");
    expect(worker.source.endsWith("+ e });")).toBe(true);
  });

  it("fails when no asset, or more than one, holds the Worker (the host UI changed)", () => {
    expect(() => loadHostParserWorker(assetsWith({ "a.js": "x" }))).toThrow(/found 0/);
    rmSync(dir, { recursive: true, force: true });
    expect(() => loadHostParserWorker(assetsWith({ "a.js": ASSET, "b.js": ASSET }))).toThrow(/found 2/);
  });

  it("replaces each getter-only assignment with a definition, and fails when one is gone", () => {
    const fixed = withGetterOnlyAssignmentsFixed(WORKER_LITERAL_RAW);
    expect(fixed).toContain('Object.defineProperty(self, "caches", { value: _undefined });');
    expect(fixed).toContain('Object.defineProperty(self, "indexedDB", { value: _undefined });');
    expect(fixed).not.toMatch(/self\.(caches|indexedDB) = /);
    const withoutIndexedDb = WORKER_LITERAL_RAW.replace("self.indexedDB = _undefined;", "");
    expect(() => withGetterOnlyAssignmentsFixed(withoutIndexedDb)).toThrow(/self\.indexedDB = _undefined;/);
  });
});
