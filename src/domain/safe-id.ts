/**
 * Ids that become path components on the shared volume (tenant, agent, run, instance): parsed once
 * into a branded `SafeId`, so code that builds a path from one knows it was checked. Only letters,
 * digits and `-`: nothing that could escape or confuse a path ("..", "/", spaces, unicode, ...).
 */
import { fail, ok, runFailure, type Result } from "./errors.js";

declare const safeIdBrand: unique symbol;
export type SafeId = string & { readonly [safeIdBrand]: true };

const SAFE_ID = /^[a-zA-Z0-9-]+$/;

export function isSafeId(value: string): value is SafeId {
  return SAFE_ID.test(value);
}

/** Why `value` is refused as `field`; the one wording every refusal of an unsafe id uses. */
export function unsafeIdReason(field: string, value: string): string {
  return `Invalid ${field} for log path: ${value}`;
}

export function parseSafeId(field: string, value: string): Result<SafeId> {
  if (isSafeId(value)) return ok(value);
  return fail(runFailure("invalid_run_input", { field, reason: unsafeIdReason(field, value) }));
}

/**
 * How refusals name the tenant id: the volume keeps each tenant under `companies/<id>` (a tenant is
 * Paperclip's company), and operators know the id by that name.
 */
export const TENANT_ID_FIELD = "companyId";

/** The ids a run's files are named by, each checked. */
export interface SafeRunIds {
  readonly tenantId: SafeId;
  readonly agentId: SafeId;
  readonly runId: SafeId;
}

export function parseRunIds(ids: {
  readonly tenantId: string;
  readonly agentId: string;
  readonly runId: string;
}): Result<SafeRunIds> {
  const tenantId = parseSafeId(TENANT_ID_FIELD, ids.tenantId);
  if (!tenantId.ok) return tenantId;
  const agentId = parseSafeId("agentId", ids.agentId);
  if (!agentId.ok) return agentId;
  const runId = parseSafeId("runId", ids.runId);
  if (!runId.ok) return runId;
  return ok({ tenantId: tenantId.value, agentId: agentId.value, runId: runId.value });
}

const SESSION_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Claude session id as `--session-id` accepts it: a UUID. */
export function isSessionUuid(value: string): boolean {
  return SESSION_UUID.test(value);
}
