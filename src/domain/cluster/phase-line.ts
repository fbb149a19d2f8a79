/** The prefix of every line the adapter writes into a run's Paperclip log, so humans can grep it. */
export const PHASE_PREFIX = "[claude-k8s]";

export function phaseLine(text: string): string {
  return `${PHASE_PREFIX} ${text}`;
}
