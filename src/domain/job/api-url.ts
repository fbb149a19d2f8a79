/**
 * The API URL a run pod uses to call its caller (Paperclip) back. The caller's own URL is usually
 * its loopback address, which a pod can never reach, so the Job takes the configured
 * `paperclipApiUrl`, else the server pod's own literal value; the caller's local URL, a loopback or
 * a missing URL only when the "pod" runs on this machine (the local runtime).
 */
import { fail, ok, runFailure, type Result } from "../errors.js";
import { AGENT_API_URL_ENV } from "./agent-api-env.js";

export interface ApiUrlSources {
  readonly configured: string;
  readonly serverPodValue: string | null;
  /** The caller's own local URL (Paperclip's loopback default); used only when loopback is allowed. */
  readonly localValue: string | null;
  readonly allowLoopback: boolean;
}

export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  const bare = host.replace(/^\[|\]$/g, "");
  return (
    bare === "localhost" ||
    bare.endsWith(".localhost") ||
    /^127(?:\.\d{1,3}){3}$/.test(bare) ||
    bare === "0.0.0.0" ||
    bare === "::" ||
    bare === "::1" ||
    /^(?:0{1,4}:){7}0{0,3}1$/.test(bare) ||
    /^::ffff:127\./.test(bare) ||
    /^::ffff:7f[0-9a-f]{2}:/.test(bare)
  );
}

export function resolvePodApiUrl(sources: ApiUrlSources): Result<string> {
  const candidates: Array<{ value: string | null; source: string }> = [
    { value: sources.configured, source: "adapter config paperclipApiUrl" },
    { value: sources.serverPodValue, source: `the Paperclip server pod's ${AGENT_API_URL_ENV} env` },
  ];
  if (sources.allowLoopback) candidates.push({ value: sources.localValue, source: "Paperclip's run env" });
  const chosen = candidates.find((c) => c.value !== null && c.value.trim() !== "");
  if (!chosen || chosen.value === null) {
    return fail(
      runFailure("paperclip_api_url_unreachable", {
        reason: "is not set",
        source: "neither adapter config paperclipApiUrl nor the server pod's env",
      }),
    );
  }
  const url = chosen.value.trim();
  if (!/^https?:\/\/[^/\s]+/i.test(url) || !canParse(url)) {
    return fail(
      runFailure("paperclip_api_url_unreachable", { reason: `is ${url}, not an http(s) URL`, source: chosen.source }),
    );
  }
  if (!sources.allowLoopback && isLoopbackUrl(url)) {
    return fail(
      runFailure("paperclip_api_url_unreachable", {
        reason: `is ${url}, a loopback address that only the server itself can reach`,
        source: chosen.source,
      }),
    );
  }
  return ok(url);
}

/**
 * For a caller whose agent never calls its API back: with no URL configured or inherited the pod
 * gets none (null); a URL that is given is checked as for any run.
 */
export function resolveOptionalPodApiUrl(sources: ApiUrlSources): Result<string | null> {
  const given = [sources.configured, sources.serverPodValue, sources.allowLoopback ? sources.localValue : null];
  return given.some((value) => value !== null && value.trim() !== "") ? resolvePodApiUrl(sources) : ok(null);
}

function canParse(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
