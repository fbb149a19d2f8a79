/**
 * Whether this run resumes a saved Claude session. Resuming where claude cannot find the session
 * fails the run ("No conversation found"), so a session is resumed only where it was made: the saved
 * cwd (and config dir, when both sides know it) must match this run's. Paperclip's
 * `runtime.sessionParams` is often null; then the legacy `runtime.sessionId` is used as is.
 */
import { claudeSessionCodec, isSafeSessionId, normalizeDirectory } from "./session-params.js";

export interface ResumeInput {
  readonly sessionParams: Readonly<Record<string, unknown>> | null;
  readonly legacySessionId: string | null;
  /** The working directory this run's claude starts in. */
  readonly cwd: string;
  /** Where this run's claude keeps transcripts, when known. */
  readonly configDir?: string | null;
}

export interface ResumeDecision {
  readonly resumeSessionId: string | null;
  /** Why, in words for the run log. */
  readonly reason: string;
}

export function decideResume(input: ResumeInput): ResumeDecision {
  const saved = claudeSessionCodec.deserialize(input.sessionParams);
  const cwd = normalizeDirectory(input.cwd);
  if (saved !== null) {
    if (saved.cwd !== null && saved.cwd !== cwd) {
      return fresh(`session ${saved.sessionId} was started in ${saved.cwd}, this run works in ${cwd ?? "?"}`);
    }
    const configDir = normalizeDirectory(input.configDir ?? null);
    if (saved.configDir !== null && configDir !== null && saved.configDir !== configDir) {
      return fresh(`session ${saved.sessionId} is stored in ${saved.configDir}, this run uses ${configDir}`);
    }
    const where = saved.cwd === null ? "its directory was not recorded" : `same directory ${saved.cwd}`;
    return { resumeSessionId: saved.sessionId, reason: `resuming session ${saved.sessionId} (${where})` };
  }
  const legacy = input.legacySessionId?.trim() ?? "";
  if (legacy.length > 0) {
    if (!isSafeSessionId(legacy)) return fresh(`saved session id ${JSON.stringify(legacy.slice(0, 80))} is malformed`);
    return {
      resumeSessionId: legacy,
      // Paperclip keeps params per task; a wake without one gets only the agent's last session id.
      reason: `resuming session ${legacy} in ${cwd ?? "?"} (Paperclip passed only the session id, as it does for a wake without a task, so the session is taken to be this run's directory's)`,
    };
  }
  if (input.sessionParams !== null) return fresh("saved session params carry no usable session id");
  return fresh("no saved session");
}

function fresh(why: string): ResumeDecision {
  return { resumeSessionId: null, reason: `starting a fresh session: ${why}` };
}
