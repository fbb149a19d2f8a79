import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

const START = "<!-- embedding-example:start -->";
const END = "<!-- embedding-example:end -->";

/** The TypeScript code block between the README's embedding-example markers, byte for byte. */
function readmeExample(): string {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error("README.md has no ```ts block between the embedding-example markers");
  return code;
}

describe("the README's embedding example", () => {
  it("runs verbatim on the local runtime and reports a successful run with usage and a session", async () => {
    const directory = join(process.cwd(), ".cache", "readme-example");
    mkdirSync(directory, { recursive: true });
    const file = join(directory, `example-${process.pid}.ts`);
    writeFileSync(file, readmeExample());
    const logged: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    });
    try {
      await import(file);
    } finally {
      spy.mockRestore();
    }
    const verdict = logged.find((line) => line.startsWith("outcome:"));
    expect(verdict, logged.join("\n")).toMatch(/^outcome: succeeded, \d+ output tokens, session [0-9a-f-]{36}$/);
  });
});
