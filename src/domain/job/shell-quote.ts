/**
 * The one quoting helper for values interpolated into the pod's POSIX shell script. Single quotes
 * make every byte literal in sh (no `$`, backtick, backslash or newline is special inside them);
 * the only character that cannot appear inside is `'` itself, written as `'\''` (close, escaped
 * quote, reopen).
 */
export function quoteShellArg(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each value and joins them with spaces: a command line whose words are exactly `values`. */
export function quoteShellWords(values: readonly string[]): string {
  return values.map(quoteShellArg).join(" ");
}
