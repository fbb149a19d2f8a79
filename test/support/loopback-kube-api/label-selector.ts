/**
 * Label selectors as the apiserver reads them: `a=b`, `a==b`, `a!=b`, `key` (exists), `!key`,
 * joined by commas. Set-based terms (`in`, `notin`) are refused with a 400 like an unknown syntax.
 */
import { statusError } from "./status.js";

type Term =
  | { readonly op: "eq" | "ne"; readonly key: string; readonly value: string }
  | { readonly op: "exists" | "absent"; readonly key: string };

export type LabelSelector = (labels: Readonly<Record<string, string>> | undefined) => boolean;

const KEY = /^([a-z0-9A-Z.-]+\/)?[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;

function parseTerm(raw: string): Term {
  const term = raw.trim();
  // Order matters: "!=" and "==" before "=".
  for (const [token, op] of [
    ["!=", "ne"],
    ["==", "eq"],
    ["=", "eq"],
  ] as const) {
    const at = term.indexOf(token);
    if (at < 0) continue;
    const key = term.slice(0, at).trim();
    if (!KEY.test(key)) throw statusError(400, `unable to parse requirement: invalid label key "${key}"`);
    return { op, key, value: term.slice(at + token.length).trim() };
  }
  const negated = term.startsWith("!");
  const key = negated ? term.slice(1).trim() : term;
  if (!KEY.test(key)) throw statusError(400, `unable to parse requirement: found '${term}', expected: '=', '!=', '=='`);
  return { op: negated ? "absent" : "exists", key };
}

/** Parses a selector; an empty or absent one matches everything. Throws a 400 StatusError on bad syntax. */
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
