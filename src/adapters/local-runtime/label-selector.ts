/**
 * Kubernetes equality-based label selectors (`a=b`, `a==b`, `a!=b`, `a`, `!a`, comma = AND), the
 * forms the adapter and kubectl use. Set-based selectors (`in`, `notin`) are refused loudly rather
 * than matched wrongly.
 */
export function matchesLabelSelector(labels: Readonly<Record<string, string>> | undefined, selector: string): boolean {
  const terms = selector
    .split(",")
    .map((term) => term.trim())
    .filter((term) => term !== "");
  return terms.every((term) => matchesTerm(labels ?? {}, term));
}

function matchesTerm(labels: Readonly<Record<string, string>>, term: string): boolean {
  if (/\s(in|notin)\s*\(/.test(term)) {
    throw new Error(`local runtime: set-based label selector "${term}" is not supported; use key=value terms`);
  }
  const notEqual = term.indexOf("!=");
  if (notEqual > 0) return labels[term.slice(0, notEqual).trim()] !== term.slice(notEqual + 2).trim();
  const equal = term.indexOf("=");
  if (equal > 0) {
    const value = term.slice(term.startsWith("=", equal + 1) ? equal + 2 : equal + 1).trim();
    return labels[term.slice(0, equal).trim()] === value;
  }
  if (term.startsWith("!")) return labels[term.slice(1).trim()] === undefined;
  return labels[term] !== undefined;
}
