import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const RESTRICTING_RULES = [
  "no-restricted-imports",
  "@typescript-eslint/no-restricted-imports",
  "no-restricted-globals",
];

/** Lints source text as if it lived at `path`, with the project's real ESLint config. */
async function restrictedImportMessages(path: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(source, { filePath: path });
  return (result?.messages ?? []).filter((m) => RESTRICTING_RULES.includes(m.ruleId ?? "")).map((m) => m.message);
}

describe("layer rules enforced by the lint step", () => {
  it("fails a domain file that imports an adapter", async () => {
    const messages = await restrictedImportMessages(
      "src/domain/wrong-arrow.ts",
      'import { SystemClock } from "../adapters/system-clock.js";\nexport const c = SystemClock;\n',
    );
    expect(messages.join("\n")).toContain("never on adapters");
  });

  it("fails a domain file that does I/O, talks to Kubernetes or Paperclip, or uses timers", async () => {
    const messages = await restrictedImportMessages(
      "src/domain/wrong-io.ts",
      [
        'import { readFile } from "node:fs/promises";',
        'import { KubeConfig } from "@kubernetes/client-node";',
        'import { asString } from "@paperclipai/adapter-utils/server-utils";',
        "export const all = [readFile, KubeConfig, asString, setTimeout];",
      ].join("\n"),
    );
    expect(messages).toHaveLength(4);
  });

  it("fails a port that imports an adapter and a non-root module that imports adapters", async () => {
    expect(
      await restrictedImportMessages(
        "src/ports/wrong.ts",
        'export { NodeFileSystem } from "../adapters/node-file-system.js";\n',
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImportMessages(
        "src/core-helper.ts",
        'export { NodeFileSystem } from "./adapters/node-file-system.js";\n',
      ),
    ).toHaveLength(1);
  });

  it("lets the composition root and the Paperclip edge import adapters", async () => {
    const source = 'export { NodeFileSystem } from "./adapters/node-file-system.js";\n';
    expect(await restrictedImportMessages("src/container.ts", source)).toEqual([]);
    expect(
      await restrictedImportMessages(
        "src/paperclip/edge.ts",
        'export { SystemClock } from "../adapters/system-clock.js";\n',
      ),
    ).toEqual([]);
  });

  it("fails a stream-json file that imports anything outside the module (it runs in the browser's UI parser)", async () => {
    const messages = await restrictedImportMessages(
      "src/domain/stream-json/wrong.ts",
      [
        'import { runFailure } from "../errors.js";',
        'import { readFile } from "node:fs/promises";',
        "export const all = [runFailure, readFile, process];",
      ].join("\n"),
    );
    expect(messages).toHaveLength(3);
    expect(messages.join("\n")).toContain("imports only its own files");
    expect(
      await restrictedImportMessages("src/domain/stream-json/right.ts", 'export { asRecord } from "./json.js";\n'),
    ).toEqual([]);
  });

  it("fails a UI parser file that imports at run time anything but the stream-json module", async () => {
    const messages = await restrictedImportMessages(
      "src/ui-parser/wrong.ts",
      [
        'import { runFailure } from "../domain/errors.js";',
        'import { formatStreamLine } from "../cli/format-stream-line.js";',
        "export const all = [runFailure, formatStreamLine];",
      ].join("\n"),
    );
    expect(messages).toHaveLength(2);
    const allowed = [
      'import type { TranscriptEntry } from "@paperclipai/adapter-utils";',
      'import { asRecord } from "../domain/stream-json/json.js";',
      "export const all: TranscriptEntry[] = [];",
      "export const read = asRecord;",
    ].join("\n");
    expect(await restrictedImportMessages("src/ui-parser/right.ts", allowed)).toEqual([]);
  });
});
