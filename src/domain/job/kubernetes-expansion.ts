/**
 * Kubernetes expands `$(NAME)` in a container's command, args and env values, and turns `$$` into
 * `$`, before the process starts. A value that must reach the pod literally is escaped so that
 * expansion gives it back unchanged: only a `$` followed by `(` or `$` is doubled, so text without
 * those sequences (our script template, ordinary values) is left exactly as written.
 */
export function escapeKubernetesExpansion(value: string): string {
  return value.replace(/\$(?=[($])/g, "$$$$");
}
