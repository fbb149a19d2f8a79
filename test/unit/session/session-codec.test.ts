import { describe, expect, it } from "vitest";
import { claudeSessionCodec } from "../../../src/domain/session/session-codec.js";

const ID = "5f1c2a9e-7b3d-4e61-9a0f-2c8d4b6e1a37";

describe("claudeSessionCodec", () => {
  it("round-trips every field that decides or explains resumability", () => {
    const params = {
      sessionId: ID,
      cwd: "/paperclip/workspaces/w1",
      configDir: "/paperclip/.claude",
      workspaceId: "ws-1",
      repoUrl: "https://example.test/repo.git",
      repoRef: "main",
    };

    const stored = claudeSessionCodec.serialize(params);
    expect(stored).toEqual(params);
    expect(claudeSessionCodec.deserialize(stored)).toEqual(params);
    expect(claudeSessionCodec.getDisplayId(stored)).toBe(ID);
  });

  it("drops absent fields when storing and normalises a trailing slash on directories", () => {
    expect(claudeSessionCodec.serialize({ sessionId: ID, cwd: "/work/repo/" })).toEqual({
      sessionId: ID,
      cwd: "/work/repo",
    });
  });

  it("reads the snake_case and alias keys older adapters stored", () => {
    expect(claudeSessionCodec.deserialize({ session_id: ` ${ID} `, workdir: "/w", workspace_id: "ws" })).toEqual({
      sessionId: ID,
      cwd: "/w",
      configDir: null,
      workspaceId: "ws",
      repoUrl: null,
      repoRef: null,
    });
  });

  it.each<[unknown, string]>([
    [null, "null"],
    ["abc", "not an object"],
    [[ID], "an array"],
    [{ cwd: "/w" }, "no session id"],
    [{ sessionId: "  " }, "a blank session id"],
    [{ sessionId: "x; rm -rf /" }, "a session id that is unsafe in argv"],
  ])("refuses %j (%s)", (raw: unknown) => {
    expect(claudeSessionCodec.deserialize(raw)).toBeNull();
    expect(claudeSessionCodec.serialize(raw as Record<string, unknown> | null)).toBeNull();
    expect(claudeSessionCodec.getDisplayId(raw as Record<string, unknown> | null)).toBeNull();
  });
});
