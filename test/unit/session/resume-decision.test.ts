import { describe, expect, it } from "vitest";
import { decideResume } from "../../../src/domain/session/session-codec.js";

const ID = "5f1c2a9e-7b3d-4e61-9a0f-2c8d4b6e1a37";

describe("decideResume", () => {
  it("resumes a session saved in the same working directory", () => {
    const decision = decideResume({
      sessionParams: { sessionId: ID, cwd: "/w/repo/" },
      legacySessionId: null,
      cwd: "/w/repo",
    });

    expect(decision.resumeSessionId).toBe(ID);
    expect(decision.reason).toContain("/w/repo");
  });

  it("starts fresh when the saved cwd differs, naming both directories", () => {
    const decision = decideResume({
      sessionParams: { sessionId: ID, cwd: "/w/old" },
      legacySessionId: ID,
      cwd: "/w/new",
    });

    expect(decision.resumeSessionId).toBeNull();
    expect(decision.reason).toContain("/w/old");
    expect(decision.reason).toContain("/w/new");
  });

  it("starts fresh when both sides know the config dir and it differs", () => {
    const decision = decideResume({
      sessionParams: { sessionId: ID, cwd: "/w", configDir: "/paperclip/a/.claude" },
      legacySessionId: null,
      cwd: "/w",
      configDir: "/paperclip/b/.claude",
    });

    expect(decision.resumeSessionId).toBeNull();
  });

  it("falls back to runtime.sessionId when sessionParams is null, naming the session, the directory and why", () => {
    const decision = decideResume({ sessionParams: null, legacySessionId: ID, cwd: "/w" });

    expect(decision.resumeSessionId).toBe(ID);
    expect(decision.reason).toContain(`resuming session ${ID} in /w`);
    expect(decision.reason).toContain("wake without a task");
  });

  it("says which session and which directory when the stored params match this run", () => {
    const decision = decideResume({ sessionParams: { sessionId: ID, cwd: "/w/" }, legacySessionId: ID, cwd: "/w" });
    expect(decision.reason).toBe(`resuming session ${ID} (same directory /w)`);
  });

  it("refuses a malformed legacy session id instead of passing it to claude", () => {
    const decision = decideResume({ sessionParams: null, legacySessionId: "$(curl evil)", cwd: "/w" });

    expect(decision.resumeSessionId).toBeNull();
    expect(decision.reason).toContain("malformed");
  });

  it("resumes saved params that never recorded a cwd", () => {
    expect(decideResume({ sessionParams: { sessionId: ID }, legacySessionId: null, cwd: "/w" }).resumeSessionId).toBe(
      ID,
    );
  });

  it("starts fresh with no saved session at all", () => {
    expect(decideResume({ sessionParams: null, legacySessionId: null, cwd: "/w" })).toEqual({
      resumeSessionId: null,
      reason: "starting a fresh session: no saved session",
    });
  });
});
