import { printableText } from "../printable-text.js";

/** The prefix of every line the adapter writes into a run's Paperclip log, so humans can grep it. */
export const PHASE_PREFIX = "[claude-k8s]";

/** Long enough for any message the catalog renders; a status line is always exactly one line. */
const MAX_PHASE_TEXT_CHARS = 4000;

export function phaseLine(text: string): string {
  return `${PHASE_PREFIX} ${printableText(text, MAX_PHASE_TEXT_CHARS)}`;
}
