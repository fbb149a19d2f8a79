import { describe, expect, it } from "vitest";
import { buildClaudeArgv } from "../../../src/domain/job/claude-args.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";

const fresh = { resumeSessionId: null, freshSessionId: null, appendSystemPromptFile: null, addDirs: [] };

describe("buildClaudeArgv", () => {
  it("always starts with stream-json print mode reading the prompt from stdin", () => {
    expect(buildClaudeArgv(defaultAdapterConfig(), fresh)).toEqual([
      "claude",
      "--print",
      "--output-format",
      "stream-json",
      "--verbose",
      "--dangerously-skip-permissions",
    ]);
  });

  it("runs the configured command (Paperclip's Command field) as the claude executable", () => {
    const argv = buildClaudeArgv({ ...defaultAdapterConfig(), command: "/opt/claude/bin/claude" }, fresh);
    expect(argv[0]).toBe("/opt/claude/bin/claude");
    expect(argv.slice(1, 3)).toEqual(["--print", "--output-format"]);
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
      buildClaudeArgv(config, {
        resumeSessionId: null,
        freshSessionId: null,
        appendSystemPromptFile: "/i.md",
        addDirs: ["/a", "/b"],
      }).slice(5),
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

  it("gives claude no positional prompt (a `-` would reach the model as the prompt's first line)", () => {
    const argv = buildClaudeArgv(
      { ...defaultAdapterConfig(), model: "opus", maxTurnsPerRun: 3 },
      { resumeSessionId: "sess-1", freshSessionId: null, appendSystemPromptFile: null, addDirs: ["/a"] },
    );
    expect(argv).not.toContain("-");
    const valueFlags = new Set(["--output-format", "--resume", "--model", "--max-turns", "--add-dir"]);
    const positional = argv
      .slice(1)
      .filter((arg, index, all) => !arg.startsWith("--") && !valueFlags.has(all[index - 1]!));
    expect(positional).toEqual([]);
  });

  it("resumes a session without re-appending the system prompt file", () => {
    const argv = buildClaudeArgv(defaultAdapterConfig(), {
      resumeSessionId: "sess-1",
      freshSessionId: null,
      appendSystemPromptFile: "/i.md",
      addDirs: [],
    });
    expect(argv.slice(5, 7)).toEqual(["--resume", "sess-1"]);
    expect(argv).not.toContain("--append-system-prompt-file");
  });

  it("omits --max-turns when it is 0 (no limit)", () => {
    expect(buildClaudeArgv({ ...defaultAdapterConfig(), maxTurnsPerRun: 0 }, fresh)).not.toContain("--max-turns");
  });
});

describe("buildClaudeArgv: the run's session", () => {
  const id = "3f1c2a4e-0000-4000-8000-000000000001";

  it("starts a fresh session with the server-chosen id", () => {
    const argv = buildClaudeArgv(defaultAdapterConfig(), { ...fresh, freshSessionId: id });
    expect(argv.slice(5, 7)).toEqual(["--session-id", id]);
  });

  it("resumes instead of naming a fresh id when there is a session to resume", () => {
    const argv = buildClaudeArgv(defaultAdapterConfig(), { ...fresh, resumeSessionId: "s-1", freshSessionId: id });
    expect(argv).toContain("--resume");
    expect(argv).not.toContain("--session-id");
  });
});
