import { describe, expect, it } from "vitest";
import { buildClaudeArgv } from "../../../src/domain/job/claude-args.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";

const fresh = { resumeSessionId: null, appendSystemPromptFile: null, addDirs: [] };

describe("buildClaudeArgv", () => {
  it("always starts with stream-json print mode reading the prompt from stdin", () => {
    expect(buildClaudeArgv(defaultAdapterConfig(), fresh)).toEqual([
      "claude",
      "--print",
      "-",
      "--output-format",
      "stream-json",
      "--verbose",
      "--dangerously-skip-permissions",
    ]);
  });

  it("orders resume, model, effort, max turns, system prompt file, add-dirs, permission flag, then extraArgs", () => {
    const config = {
      ...defaultAdapterConfig(),
      model: "opus",
      effort: "high" as const,
      maxTurnsPerRun: 40,
      dangerouslySkipPermissions: false,
      extraArgs: ["--foo", "bar"],
    };
    expect(
      buildClaudeArgv(config, { resumeSessionId: null, appendSystemPromptFile: "/i.md", addDirs: ["/a", "/b"] }).slice(
        6,
      ),
    ).toEqual([
      "--model",
      "opus",
      "--effort",
      "high",
      "--max-turns",
      "40",
      "--append-system-prompt-file",
      "/i.md",
      "--add-dir",
      "/a",
      "--add-dir",
      "/b",
      "--permission-mode",
      "default",
      "--foo",
      "bar",
    ]);
  });

  it("resumes a session without re-appending the system prompt file", () => {
    const argv = buildClaudeArgv(defaultAdapterConfig(), {
      resumeSessionId: "sess-1",
      appendSystemPromptFile: "/i.md",
      addDirs: [],
    });
    expect(argv.slice(6, 8)).toEqual(["--resume", "sess-1"]);
    expect(argv).not.toContain("--append-system-prompt-file");
  });

  it("omits --max-turns when it is 0 (no limit)", () => {
    expect(buildClaudeArgv({ ...defaultAdapterConfig(), maxTurnsPerRun: 0 }, fresh)).not.toContain("--max-turns");
  });
});
