/**
 * The `result` event, the last line of a run that finished its loop: whether it reports a failure,
 * and the words it carries.
 */
import { asRecord, booleanField, stringField, textField, type JsonRecord } from "./json.js";

const MAX_TURNS_SUBTYPE = "error_max_turns";

/**
 * The one rule for a failed result, in order:
 *  - out of turns (`subtype: "error_max_turns"` or `terminal_reason: "max_turns"`) or stopped on a
 *    refusal (`stop_reason: "refusal"`) is a failure whatever `is_error` says;
 *  - else `is_error` decides: claude 2.1 writes `subtype: "success"` with `is_error: true` on API errors;
 *  - else (no `is_error`) a subtype other than "success" is a failure, and a result naming neither is
 *    a success: claude ended its loop and reported no error.
 */
export function resultIsError(result: JsonRecord): boolean {
  const subtype = stringField(result, "subtype");
  if (subtype === MAX_TURNS_SUBTYPE || stringField(result, "terminal_reason") === "max_turns") return true;
  if (stringField(result, "stop_reason") === "refusal") return true;
  return booleanField(result, "is_error") ?? (subtype !== null && subtype !== "success");
}

/** claude's final text (`result`), "" when absent. */
export function resultText(result: JsonRecord): string {
  return textField(result, "result");
}

/** The `errors` list claude adds to some failures (e.g. "No conversation found with session ID: …"). */
export function resultErrors(result: JsonRecord): string[] {
  const errors = result.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .map((item) => (typeof item === "string" ? item : (stringField(asRecord(item), "message") ?? JSON.stringify(item))))
    .filter((text) => text.length > 0);
}

/** What the result says about itself: its text, then its errors, one per line ("" when silent). */
export function resultMessage(result: JsonRecord): string {
  return [resultText(result), ...resultErrors(result)].filter((text) => text.trim().length > 0).join("\n");
}
