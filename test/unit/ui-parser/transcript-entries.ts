/**
 * What the ui-parser bundle's tests share: the bundle built and evaluated as the host does (once per
 * test file), and the check that every entry it returns is a valid transcript entry of its kind.
 */
import { beforeAll, expect } from "vitest";
import type { TranscriptEntry } from "@paperclipai/adapter-utils";
import { loadBundle, type LoadedBundle } from "./load-bundle.js";

export const TS = "2026-11-24T20:00:00.000Z";
export const line = (event: unknown) => JSON.stringify(event);

/** Loads the bundle before the file's tests; `parse` maps one stdout line with it at TS. */
export function bundleUnderTest(): { readonly bundle: LoadedBundle; parse(text: string): TranscriptEntry[] } {
  let loaded: LoadedBundle | undefined;
  beforeAll(async () => {
    loaded = await loadBundle();
  });
  const bundle = (): LoadedBundle => {
    if (!loaded) throw new Error("the ui-parser bundle is not loaded yet");
    return loaded;
  };
  return {
    get bundle() {
      return bundle();
    },
    parse: (text) => bundle().parseStdoutLine(text, TS),
  };
}

/** The fields each transcript kind requires (from adapter-utils' TranscriptEntry union). */
const REQUIRED: Record<string, Record<string, string>> = {
  init: { ts: "string", model: "string", sessionId: "string" },
  assistant: { ts: "string", text: "string" },
  thinking: { ts: "string", text: "string" },
  user: { ts: "string", text: "string" },
  tool_call: { ts: "string", name: "string" },
  tool_result: { ts: "string", toolUseId: "string", content: "string", isError: "boolean" },
  result: {
    ts: "string",
    text: "string",
    inputTokens: "number",
    outputTokens: "number",
    cachedTokens: "number",
    costUsd: "number",
    subtype: "string",
    isError: "boolean",
  },
  stderr: { ts: "string", text: "string" },
  system: { ts: "string", text: "string" },
  stdout: { ts: "string", text: "string" },
};

export function expectValidEntries(entries: unknown[]): void {
  for (const entry of entries) {
    const record = entry as Record<string, unknown>;
    const required = REQUIRED[String(record.kind)];
    expect(required, `unknown kind ${String(record.kind)}`).toBeDefined();
    for (const [field, type] of Object.entries(required ?? {})) expect(typeof record[field], field).toBe(type);
    if (record.kind === "result") expect(Array.isArray(record.errors)).toBe(true);
  }
}
