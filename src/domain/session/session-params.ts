/**
 * Claude session parameters as Paperclip stores them between runs, and the codec Paperclip calls.
 *
 * What decides whether a session can be resumed:
 *  - `sessionId`: what `claude --resume` takes;
 *  - `cwd`: Claude keys its transcripts by project directory (~/.claude/projects/<cwd>), so a session
 *    started in another working directory is "not found" there;
 *  - `configDir`: where claude kept its transcripts (CLAUDE_CONFIG_DIR or HOME/.claude on the data
 *    volume); a run using another one cannot see the session either.
 * The model is deliberately not part of it: claude resumes a conversation under a different model.
 * `workspaceId`, `repoUrl` and `repoRef` are carried for display and diagnosis only.
 * Both camelCase and the snake_case/alias forms earlier adapters wrote are read, so sessions saved by
 * claude_local or the old claude_k8s adapter keep working.
 */

export interface ClaudeSessionParams {
  readonly sessionId: string;
  readonly cwd: string | null;
  readonly configDir: string | null;
  readonly workspaceId: string | null;
  readonly repoUrl: string | null;
  readonly repoRef: string | null;
}

/** Claude session ids are UUIDs; anything outside this set is refused because it ends up in argv. */
const SAFE_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isSafeSessionId(value: string): boolean {
  return SAFE_SESSION_ID.test(value);
}

type SessionInput = ClaudeSessionParams | Readonly<Record<string, unknown>> | null | undefined;

export const claudeSessionCodec = {
  /** Normalised, storable params; null when there is no usable session id. */
  serialize(params: SessionInput): Record<string, unknown> | null {
    const parsed = claudeSessionCodec.deserialize(params);
    if (parsed === null) return null;
    const stored: Record<string, unknown> = { sessionId: parsed.sessionId };
    for (const key of ["cwd", "configDir", "workspaceId", "repoUrl", "repoRef"] as const) {
      const value = parsed[key];
      if (value !== null) stored[key] = value;
    }
    return stored;
  },

  deserialize(raw: unknown): ClaudeSessionParams | null {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
    const record = raw as Readonly<Record<string, unknown>>;
    const sessionId = firstText(record, ["sessionId", "session_id"]);
    if (sessionId === null || !isSafeSessionId(sessionId)) return null;
    return {
      sessionId,
      cwd: normalizeDirectory(firstText(record, ["cwd", "workdir", "folder"])),
      configDir: normalizeDirectory(firstText(record, ["configDir", "config_dir"])),
      workspaceId: firstText(record, ["workspaceId", "workspace_id"]),
      repoUrl: firstText(record, ["repoUrl", "repo_url"]),
      repoRef: firstText(record, ["repoRef", "repo_ref"]),
    };
  },

  getDisplayId(params: SessionInput): string | null {
    return claudeSessionCodec.deserialize(params)?.sessionId ?? null;
  },
};

/** Trailing slashes do not make a different directory: "/work/repo/" is "/work/repo". */
export function normalizeDirectory(path: string | null): string | null {
  if (path === null) return null;
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed.length > 0 ? trimmed : "/";
}

function firstText(record: Readonly<Record<string, unknown>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = record[key];
    if (typeof value === "string" && value.trim().length > 0) return value.trim();
  }
  return null;
}
