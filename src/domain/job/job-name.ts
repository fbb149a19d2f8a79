/**
 * The Job's name: deterministic from the run, so a retried create of the same run meets the same
 * name (409) and is recognised rather than duplicated. RFC 1123 label (lowercase alphanumerics and
 * `-`, alphanumeric at both ends), at most 63 characters: readable slugs of the agent and run ids,
 * then a hash of the full ids so runs whose slugs collide still get different names.
 */
import { shortHash } from "./short-hash.js";

const PREFIX = "claude";
const AGENT_SLUG_MAX = 12;
const RUN_SLUG_MAX = 20;
const HASH_LENGTH = 10;

function slug(value: string, max: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, max)
    .replace(/^-+|-+$/g, "");
}

export function jobNameFor(run: {
  readonly tenantId: string;
  readonly agentId: string;
  readonly runId: string;
}): string {
  const hash = shortHash(`${run.tenantId}/${run.agentId}/${run.runId}`, HASH_LENGTH);
  const parts = [PREFIX, slug(run.agentId, AGENT_SLUG_MAX), slug(run.runId, RUN_SLUG_MAX), hash].filter(Boolean);
  return parts.join("-").replace(/-{2,}/g, "-");
}

/** The per-run Secret's name: derived from the Job's, so it is as recognisable and unique. */
export function secretNameFor(jobName: string): string {
  return `${jobName}-run-secret`;
}

/**
 * The agent's run slot: one Secret name per agent, which the API server creates only once. The
 * running Job owns it, so it goes with the Job; a second Job of the agent cannot take it meanwhile.
 */
export function agentRunSlotNameFor(agent: { readonly tenantId: string; readonly agentId: string }): string {
  const hash = shortHash(`${agent.tenantId}/${agent.agentId}`, HASH_LENGTH);
  return [`${PREFIX}-slot`, slug(agent.agentId, AGENT_SLUG_MAX), hash].filter(Boolean).join("-").replace(/-{2,}/g, "-");
}
