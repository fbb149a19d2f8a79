/**
 * Which of the Paperclip server container's env a run pod inherits: an allowlist. By default only
 * what Claude needs to reach its model (the Anthropic API, Bedrock or Vertex, through a proxy);
 * the operator adds names with the `inheritEnv` field. The server's own secrets never pass, even
 * when listed: `BETTER_AUTH_SECRET`, `DATABASE_URL` and every `PAPERCLIP_*` (the adapter sets the
 * run's own `PAPERCLIP_*` values itself).
 */

/** A pattern is an exact name, or a prefix followed by `*` (`ANTHROPIC_*`). */
export const DEFAULT_INHERITED_ENV: readonly string[] = [
  "ANTHROPIC_*",
  "CLAUDE_CODE_*",
  "AWS_*",
  "CLOUD_ML_REGION",
  "VERTEX_REGION_*",
  "GOOGLE_CLOUD_PROJECT",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
];

/** The server's keys to every company: never in a run pod, whatever the config lists. */
export const NEVER_INHERITED_ENV: readonly string[] = ["BETTER_AUTH_SECRET", "DATABASE_URL", "PAPERCLIP_*"];

export function matchesEnvPattern(name: string, pattern: string): boolean {
  return pattern.endsWith("*") ? pattern.length > 1 && name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

export function isNeverInherited(name: string): boolean {
  return NEVER_INHERITED_ENV.some((pattern) => matchesEnvPattern(name, pattern));
}

/** True when the server's variable `name` reaches the run pod, given the operator's extra patterns. */
export function isInheritedServerEnv(name: string, extraPatterns: readonly string[]): boolean {
  if (isNeverInherited(name)) return false;
  return [...DEFAULT_INHERITED_ENV, ...extraPatterns].some((pattern) => matchesEnvPattern(name, pattern));
}
