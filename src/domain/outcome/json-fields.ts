/** Defensive readers for parsed JSON: stream-json grows fields over versions, so nothing is assumed. */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): JsonRecord | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonRecord) : null;
}

export function stringField(record: JsonRecord | null, key: string): string | null {
  const value = record?.[key];
  return typeof value === "string" && value.length > 0 ? value : null;
}

export function numberField(record: JsonRecord | null, key: string): number | null {
  const value = record?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function booleanField(record: JsonRecord | null, key: string): boolean | null {
  const value = record?.[key];
  return typeof value === "boolean" ? value : null;
}

/** A non-negative token count, or 0 when absent or malformed. */
export function countField(record: JsonRecord | null, key: string): number {
  const value = numberField(record, key);
  return value !== null && value > 0 ? Math.floor(value) : 0;
}
