/**
 * The session surface the Paperclip edge uses: the codec for stored params and the resume decision.
 * (Kept as the one import path; the two halves live in their own files.)
 */
export { claudeSessionCodec, isSafeSessionId, normalizeDirectory, type ClaudeSessionParams } from "./session-params.js";
export { decideResume, type ResumeDecision, type ResumeInput } from "./resume-decision.js";
