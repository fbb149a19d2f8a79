/**
 * The adapter's own tree on the shared volume, next to the run-log root:
 *
 *   <dataMountPath>/claude-k8s/companies/<tenantId>/
 *     bundles/<key>/                  instructions and skills of THIS company (read-only in pods)
 *     agents/<agentId>/home/          the agent's HOME: ~/.claude (sessions, settings) persists
 *                                     across that agent's Jobs and no other agent sees it
 *     agents/<agentId>/workspace/     the default working directory when Paperclip gives none
 *
 * A run pod never mounts the claim root: it mounts these directories (and its run directory)
 * one by one with `subPath`, each at the same absolute path the server uses.
 */
import { assertSafePathComponent } from "./run-log-paths.js";
import { TENANT_ID_FIELD } from "./safe-id.js";

export const ADAPTER_TREE_NAME = "claude-k8s";

/**
 * The local runtime's state on disk, `<dataMountPath>/.local-runtime`: every runtime's Jobs, pod
 * records and Secrets (run tokens). No pod may mount it (working-directory-rule.ts).
 */
export const LOCAL_RUNTIME_STATE_NAME = ".local-runtime";

export interface AgentIdentity {
  readonly tenantId: string;
  readonly agentId: string;
}

export interface AgentAreas {
  /** `<dataMountPath>/claude-k8s` — nothing under it except the areas below reaches a pod. */
  readonly adapterTree: string;
  readonly companyBundles: string;
  readonly home: string;
  /** Where claude keeps sessions and settings: `$HOME/.claude`, recorded with each session. */
  readonly claudeConfigDirectory: string;
  readonly defaultWorkspace: string;
}

/** Absolute path with single slashes and no trailing slash ("/" stays "/"). */
export function normalizePath(path: string): string {
  const collapsed = path.replace(/\/+/g, "/");
  return collapsed.length > 1 ? collapsed.replace(/\/$/, "") : collapsed;
}

/** True when `path` is `root` itself or lies below it (both normalized, no `..`). */
export function isWithin(path: string, root: string): boolean {
  const p = normalizePath(path);
  const r = normalizePath(root);
  return p === r || p.startsWith(r === "/" ? "/" : `${r}/`);
}

/** `path` relative to the claim root mounted at `dataMountPath` (a Kubernetes subPath); null when outside it or equal to it. */
export function subPathOf(dataMountPath: string, path: string): string | null {
  const root = normalizePath(dataMountPath);
  const p = normalizePath(path);
  if (p === root || !isWithin(p, root)) return null;
  return p.slice(root === "/" ? 1 : root.length + 1);
}

/** The agent's areas on the volume; throws on an id unsafe in a path (same message as the run-log paths). */
export function agentAreas(dataMountPath: string, agent: AgentIdentity): AgentAreas {
  assertSafePathComponent(TENANT_ID_FIELD, agent.tenantId);
  assertSafePathComponent("agentId", agent.agentId);
  const adapterTree = `${normalizePath(dataMountPath).replace(/\/$/, "")}/${ADAPTER_TREE_NAME}`;
  const company = `${adapterTree}/companies/${agent.tenantId}`;
  const agentRoot = `${company}/agents/${agent.agentId}`;
  const home = `${agentRoot}/home`;
  return {
    adapterTree,
    companyBundles: `${company}/bundles`,
    home,
    claudeConfigDirectory: `${home}/.claude`,
    defaultWorkspace: `${agentRoot}/workspace`,
  };
}
