/**
 * Defensive narrowing of parsed stream-json: claude's events grow fields over versions and a pod can
 * print anything, so no shape is assumed and nothing here throws.
 *
 * The stream-json module is also bundled into the UI parser that Paperclip's browser evaluates: its
 * files import only each other, use no Node built-ins or globals, and do nothing when loaded.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function asRecord(value: unknown): JsonRecord | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonRecord) : null;
}

/** A non-empty string, else null. */
export function stringField(record: JsonRecord | null, key: string): string | null {
  const value = record?.[key];
  return typeof value === "string" && value.length > 0 ? value : null;
}

/** A string as is (possibly empty), else "": for readers that show text rather than test for it. */
export function textField(record: JsonRecord | null, key: string): string {
  const value = record?.[key];
  return typeof value === "string" ? value : "";
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

/** A line (already trimmed) as a JSON object; null for plain output, broken JSON, arrays and scalars. */
export function parseJsonObject(line: string): JsonRecord | null {
  if (!line.startsWith("{")) return null;
  try {
    return asRecord(JSON.parse(line));
  } catch {
    return null;
  }
}

/** The largest time a JavaScript Date holds: beyond it, toISOString throws. */
const MAX_DATE_MS = 8.64e15;

/** An epoch in seconds (or milliseconds when that large) as milliseconds; null unless a sane time. */
export function epochMs(value: number | null): number | null {
  if (value === null || value <= 0) return null;
  const ms = value < 1e12 ? value * 1000 : value;
  return ms < MAX_DATE_MS ? ms : null;
}
