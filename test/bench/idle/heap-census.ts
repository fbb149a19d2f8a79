/**
 * What the main thread's JS heap holds, by kind: a V8 heap snapshot's nodes summed by type and
 * constructor (or function) name. Two censuses' difference, over the runs started between them, is
 * what one quiet run holds, object kind by object kind (BENCH_HEAP_CENSUS=1 in the idle bench
 * prints it; the snapshots themselves cost memory and time, so its other figures are then off).
 */
import { getHeapSnapshot } from "node:v8";

export type HeapCensus = ReadonlyMap<string, { readonly count: number; readonly bytes: number }>;

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[]] } };
  readonly nodes: number[];
  readonly strings: string[];
}

export async function takeHeapCensus(): Promise<HeapCensus> {
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(chunk as Buffer);
  const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Snapshot;
  const fields = parsed.snapshot.meta.node_fields;
  const types = parsed.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ["type", "name", "self_size"].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const census = new Map<string, { count: number; bytes: number }>();
  for (let at = 0; at < parsed.nodes.length; at += fields.length) {
    const type = types[parsed.nodes[at + typeAt] as number] ?? "?";
    const name = parsed.strings[parsed.nodes[at + nameAt] as number] ?? "?";
    // Strings by kind only: their text is the name.
    const key = type.includes("string") ? type : `${type} ${name.slice(0, 60)}`;
    const entry = census.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += parsed.nodes[at + sizeAt] as number;
    census.set(key, entry);
  }
  return census;
}

/** The kinds that grew most from `before` to `after`, per run, as text lines. */
export function censusGrowth(before: HeapCensus, after: HeapCensus, runs: number, top = 30): string[] {
  const rows = [...after].map(([key, a]) => {
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: (a.count - b.count) / runs, bytes: (a.bytes - b.bytes) / runs };
  });
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, r) => sum + r.bytes, 0);
  return [
    `heap census: ${total.toFixed(0)} B per run in all`,
    ...rows
      .slice(0, top)
      .map((r) => `${r.bytes.toFixed(0).padStart(7)} B ${r.count.toFixed(2).padStart(6)} × ${r.key}`),
  ];
}
