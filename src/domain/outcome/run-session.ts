/**
 * Which session a run may report as its own: only the one the server chose for a fresh session
 * (`--session-id`) or resumed (`--resume`). Any other session id the stream carried is ignored and
 * named, so a pod cannot plant the session the agent's next run resumes. A fresh id counts only once
 * claude reported it (it may have failed before creating the session); a resumed one already exists.
 */
export interface SessionEvidence {
  /** The session the server started or resumed for this run; null when it chose none. */
  readonly runSessionId: string | null;
  readonly resumedSessionId: string | null;
  /** Every distinct session id the stream reported. */
  readonly reportedSessionIds: readonly string[];
  /** The run proved the session unusable (session_unavailable). */
  readonly cleared: boolean;
}

export interface SessionVerdict {
  readonly sessionId: string | null;
  /** Session ids the stream reported that are not the run's: never saved, named in the result. */
  readonly ignoredSessionIds: readonly string[];
}

export function acceptSession(evidence: SessionEvidence): SessionVerdict {
  const expected = evidence.runSessionId ?? evidence.resumedSessionId;
  const ignoredSessionIds = evidence.reportedSessionIds.filter((id) => id !== expected);
  if (evidence.cleared || expected === null) return { sessionId: null, ignoredSessionIds };
  const confirmed = evidence.reportedSessionIds.includes(expected) || expected === evidence.resumedSessionId;
  return { sessionId: confirmed ? expected : null, ignoredSessionIds };
}
