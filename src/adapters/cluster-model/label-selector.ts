/**
 * Kubernetes equality-based label selectors as the apiserver reads them: `a=b`, `a==b`, `a!=b`,
 * `key` (exists), `!key`, joined by commas (AND). Set-based terms (`in`, `notin`) are refused
 * loudly rather than matched wrongly. The one parser of the cluster model: every front door (the
 * local runtime, the loopback apiserver) and the unit-test fake select with it.
 */

export type LabelSelector = (labels: Readonly<Record<string, string>> | undefined) => boolean;

/** A selector the cluster cannot parse: each front door answers it as a 400. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelSelectorError";
  }
}

type Term =
  | { readonly op: "eq" | "ne"; readonly key: string; readonly value: string }
  | { readonly op: "exists" | "absent"; readonly key: string };

const KEY = /^([a-z0-9A-Z.-]+\/)?[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;
const SET_BASED = /\s(in|notin)\s*\(/;

function parseTerm(raw: string): Term {
  const term = raw.trim();
  if (SET_BASED.test(term)) {
    throw new LabelSelectorError(`set-based label selector "${term}" is not supported; use key=value terms`);
  }
  // Order matters: "!=" and "==" before "=".
  for (const [token, op] of [
    ["!=", "ne"],
    ["==", "eq"],
    ["=", "eq"],
  ] as const) {
    const at = term.indexOf(token);
    if (at < 0) continue;
    const key = term.slice(0, at).trim();
    if (!KEY.test(key)) throw new LabelSelectorError(`unable to parse requirement: invalid label key "${key}"`);
    return { op, key, value: term.slice(at + token.length).trim() };
  }
  const negated = term.startsWith("!");
  const key = negated ? term.slice(1).trim() : term;
  if (!KEY.test(key)) {
    throw new LabelSelectorError(`unable to parse requirement: found '${term}', expected: '=', '!=', '=='`);
  }
  return { op: negated ? "absent" : "exists", key };
}

/** Parses a selector; an empty or absent one matches everything. Throws LabelSelectorError on bad syntax. */
export function parseLabelSelector(selector: string | null | undefined): LabelSelector {
  const terms = (selector ?? "")
    .split(",")
    .filter((t) => t.trim() !== "")
    .map(parseTerm);
  return (labels) =>
    terms.every((t) => {
      const value = labels?.[t.key];
      switch (t.op) {
        case "eq":
          return value === t.value;
        case "ne":
          return value !== t.value;
        case "exists":
          return value !== undefined;
        case "absent":
          return value === undefined;
      }
    });
}

/** One-off match (parses the selector each time). */
export function matchesLabelSelector(labels: Readonly<Record<string, string>> | undefined, selector: string): boolean {
  return parseLabelSelector(selector)(labels);
}
