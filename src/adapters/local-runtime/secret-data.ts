import type { Secret } from "../../ports/kubernetes-objects.js";

export type SecretLookup = (name: string) => Secret | undefined;

/**
 * A Secret's values as text. Our Secret shape carries `stringData`; a Secret that came through
 * a real API (the loopback server) carries base64 `data`, which is decoded and wins, as the API
 * server would have merged stringData into data.
 */
export function secretValues(secret: Secret): Record<string, string> {
  const values: Record<string, string> = { ...secret.stringData };
  // The API's `data` field is not in our Secret shape; read it defensively when present.
  const data = (secret as Secret & { data?: Record<string, string> }).data;
  for (const [key, encoded] of Object.entries(data ?? {})) {
    values[key] = Buffer.from(encoded, "base64").toString("utf8");
  }
  return values;
}
