import { printableText } from "../printable-text.js";

/** The prefix of every line the adapter writes into a run's Paperclip log, so humans can grep it. */
export const PHASE_PREFIX = "[claude-k8s]";

/** Long enough for any message the catalog renders; a status line is always exactly one line. */
const MAX_PHASE_TEXT_CHARS = 4000;

export function phaseLine(text: string): string {
  return `${PHASE_PREFIX} ${printableText(text, MAX_PHASE_TEXT_CHARS)}`;
}

/** A caller's log sink. Paperclip's onLog is async: a returned promise is awaited by nobody, its rejection swallowed. */
export type PhaseSink = (line: string) => unknown;

/**
 * Wraps a caller's sink so that a sink that throws or rejects can never change a run's outcome
 * (nor surface as an unhandled rejection): log lines are best effort, verdicts are not.
 */
export function safeSink(sink: PhaseSink | undefined): (line: string) => void {
  return (line) => {
    if (!sink) return;
    try {
      const result = sink(line);
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // Dropped on purpose: see above.
    }
  };
}
