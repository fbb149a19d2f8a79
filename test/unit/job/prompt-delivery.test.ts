import { describe, expect, it } from "vitest";
import { PROMPT_FILE_MODE, PromptDelivery, utf8ByteLength } from "../../../src/domain/job/prompt-delivery.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { InMemoryFileSystem } from "../../fakes/in-memory-file-system.js";

const paths = runFilePaths("/paperclip/instances/default/data/run-logs", {
  tenantId: "co-1",
  agentId: "agent-2",
  runId: "run-3",
});

describe("PromptDelivery", () => {
  it("creates the run directory and writes the prompt's UTF-8 bytes to the prompt path", async () => {
    const fs = new InMemoryFileSystem();
    const result = await new PromptDelivery(fs).write(paths, "héllo 🎉", 1024);
    expect(result).toEqual({ ok: true, value: { bytes: 11 } });
    expect(fs.directories.has(paths.directory)).toBe(true);
    expect(fs.textOf(paths.prompt)).toBe("héllo 🎉");
  });

  it("writes an empty prompt as an empty file", async () => {
    const fs = new InMemoryFileSystem();
    const result = await new PromptDelivery(fs).write(paths, "", 1024);
    expect(result).toEqual({ ok: true, value: { bytes: 0 } });
    expect(fs.contentOf(paths.prompt).length).toBe(0);
  });

  it("uses mode 0640: readable by the pod's uid or fsGroup, not by others", () => {
    expect(PROMPT_FILE_MODE).toBe(0o640);
  });

  it("refuses a prompt over the limit by its UTF-8 size, before creating or writing anything", async () => {
    const fs = new InMemoryFileSystem();
    const result = await new PromptDelivery(fs).write(paths, "é".repeat(6), 11);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errorCode).toBe("prompt_too_large");
    expect(result.failure.errorMessage).toBe(
      "Prompt is 12 bytes, over the 11-byte limit; shorten the prompt template or task text.",
    );
    expect(fs.paths()).toEqual([]);
    expect(fs.directories.has(paths.directory)).toBe(false);
  });

  it("accepts a prompt of exactly the limit", async () => {
    const result = await new PromptDelivery(new InMemoryFileSystem()).write(paths, "x".repeat(64), 64);
    expect(result).toEqual({ ok: true, value: { bytes: 64 } });
  });

  it("turns a failed write into prompt_write_failed naming the path and the errno", async () => {
    const fs = new InMemoryFileSystem();
    fs.failNext("writeFileAtomic", "EACCES");
    const result = await new PromptDelivery(fs).write(paths, "p", 1024);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.errorCode).toBe("prompt_write_failed");
    expect(result.failure.errorMessage).toContain(paths.prompt);
    expect(result.failure.errorMessage).toContain("EACCES");
  });
});

describe("utf8ByteLength", () => {
  it("counts exactly the bytes TextEncoder writes, lone surrogates included", () => {
    for (const text of ["", "ascii", "café", "€ ✓", "🚀 emoji", "lone \ud800 high", "lone \udc00 low", "end \ud83d"]) {
      expect(utf8ByteLength(text), text).toBe(new TextEncoder().encode(text).length);
    }
  });
});
