import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/** Lints source text as if it lived at `path`, with the project's real ESLint config. */
async function restrictedImportMessages(path: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(source, { filePath: path });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "no-restricted-globals")
    .map((m) => m.message);
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
});
