/**
 * Text that came from outside the server (a pod's output, claude's own words, a Kubernetes field a
 * pod can set) made safe to put in an error message or a status line: one line, bounded, with no
 * terminal escape sequences, control or bidirectional-override characters, and no copy of the
 * adapter's own `[claude-k8s]` prefix — so quoted words can never pass for the adapter's lines or
 * rewrite an operator's terminal.
 */

/** The longest quoted value kept in a message; longer values end with an ellipsis. */
export const MAX_QUOTED_CHARS = 1000;

const ADAPTER_PREFIX = "[claude-k8s]";
// Matching control characters is the point of these two patterns.
/* eslint-disable no-control-regex */
/** CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and any other two-character escape. */
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]?|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-_]?)/g;
/** C0 and C1 controls, DEL, and the Unicode bidi embedding/override/isolate characters. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;
/* eslint-enable no-control-regex */

export function printableText(text: string, maxChars = MAX_QUOTED_CHARS): string {
  // Long input is cut before the regexes run, so the work per value is bounded too.
  const head = text.length > maxChars * 2 ? text.slice(0, maxChars * 2) : text;
  const cleaned = head
    .replace(ESCAPE_SEQUENCE, "")
    .replace(UNPRINTABLE, " ")
    .split(ADAPTER_PREFIX)
    .join("(claude-k8s)");
  const cut = cleaned.length > maxChars || head.length < text.length;
  if (!cut) return cleaned;
  let end = Math.min(maxChars, cleaned.length);
  const last = cleaned.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${cleaned.slice(0, end)}…`;
}
