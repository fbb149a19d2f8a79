/** A benchmark's figures as a Markdown table, to paste into the README as printed. */
export type Cell = string | number;

/** The header, its `---` separator and one line per row, joined by newlines. */
export function markdownTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly Cell[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
