/**
 * A session's params as the real Paperclip carries them between two wakes of one task: it runs the
 * adapter's own codec over the result's sessionParams, stores them with its own metadata keys, and
 * on the next wake decodes them and hands them back as runtime.sessionParams (host code at the pinned
 * version: resolveNextSessionState, attachPaperclipSessionMetadataToSessionParams, and the strip on
 * the way back). The e2e proves the same against the real server.
 */
import { describe, expect, it } from "vitest";
import { decideResume } from "../../../src/domain/session/session-codec.js";
import { executionResult } from "../../../src/paperclip/execution-result.js";
import { createServerAdapter } from "../../../src/paperclip/server-adapter.js";
import type { RunReport } from "../../../src/domain/run/agent-run-request.js";

const SESSION = "3f1c2a4e-0000-4000-8000-000000000001";
const CWD = "/paperclip/instances/default/workspaces/agent-1";
const CONFIG_DIR = "/paperclip/claude-k8s/companies/c/agents/a/home/.claude";
const codec = createServerAdapter({ hostEnv: {} }).sessionCodec!;

const nonEmpty = (params: Record<string, unknown> | null) => (params && Object.keys(params).length > 0 ? params : null);

describe("session params across two wakes of a task in Paperclip", () => {
  it("come back with the session's directory, and the next run resumes it there", () => {
    const report = { outcome: { sessionId: SESSION } } as unknown as RunReport;
    const result = executionResult(report, { cwd: CWD, configDir: CONFIG_DIR });
    // Paperclip: serialize what the adapter returned, then add its own bookkeeping keys.
    const stored = {
      ...codec.serialize(nonEmpty(result.sessionParams ?? null)),
      paperclipConfiguredModel: "claude-sonnet-4-6",
      paperclipConfigFingerprint: "f",
    };
    // Next wake: decode, then drop the host's keys, then hand over as runtime.sessionParams.
    const decoded = nonEmpty(codec.deserialize(JSON.parse(JSON.stringify(stored))));
    const handedBack = { ...decoded };
    delete handedBack.paperclipConfiguredModel;
    delete handedBack.paperclipConfigFingerprint;
    expect(handedBack).toMatchObject({ sessionId: SESSION, cwd: CWD, configDir: CONFIG_DIR });

    const decision = decideResume({
      sessionParams: handedBack,
      legacySessionId: SESSION,
      cwd: CWD,
      configDir: CONFIG_DIR,
    });
    expect(decision).toEqual({
      resumeSessionId: SESSION,
      reason: `resuming session ${SESSION} (same directory ${CWD})`,
    });
  });

  it("start fresh, saying why, when the next wake works in another directory", () => {
    const decision = decideResume({
      sessionParams: { sessionId: SESSION, cwd: CWD },
      legacySessionId: SESSION,
      cwd: "/paperclip/projects/other",
    });
    expect(decision.resumeSessionId).toBeNull();
    expect(decision.reason).toContain(`session ${SESSION} was started in ${CWD}`);
  });
});
