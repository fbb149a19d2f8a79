import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "cli-main-"));
  script = join(dir, "main.mjs");
  await build({
    entryPoints: ["src/cli/main.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: script,
    logLevel: "silent",
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cli main (stdin pretty-printer)", () => {
  it("prints one rendering per event line, drops suppressed lines, and uses no color when stdout is not a terminal", () => {
    const input = [
      JSON.stringify({ type: "system", subtype: "init", session_id: "s-1", model: "m" }),
      JSON.stringify({ type: "stream_event", event: {} }),
      "[claude-k8s] pod running",
      JSON.stringify({ type: "result", subtype: "success", is_error: false, num_turns: 1 }),
    ].join("\n");
    const result = spawnSync(process.execPath, [script], { input, encoding: "utf8", env: { PATH: process.env.PATH } });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("● session s-1 · model m\n[claude-k8s] pod running\n✓ done · 1 turn\n");
  });
});
