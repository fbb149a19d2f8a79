/**
 * Kubernetes' `$(VAR)` expansion, applied by the kubelet to env values, `command` and `args`
 * before the container starts. Reproduced exactly so a script that works here works in a cluster:
 * - `$(NAME)` becomes NAME's value when NAME is defined, and stays `$(NAME)` when it is not
 *   (so shell command substitution such as `$(date)` survives);
 * - `$$` becomes `$` — a run script must write `$$$$` to get the shell's `$$`;
 * - any other `$` is kept as is.
 */
export function expandKubernetesReferences(input: string, lookup: (name: string) => string | undefined): string {
  let output = "";
  let index = 0;
  while (index < input.length) {
    const dollar = input.indexOf("$", index);
    if (dollar < 0 || dollar === input.length - 1) {
      output += input.slice(index);
      break;
    }
    output += input.slice(index, dollar);
    const next = input[dollar + 1];
    if (next === "$") {
      output += "$";
      index = dollar + 2;
    } else if (next === "(") {
      const close = input.indexOf(")", dollar + 2);
      if (close < 0) {
        output += "$(";
        index = dollar + 2;
      } else {
        const name = input.slice(dollar + 2, close);
        output += lookup(name) ?? `$(${name})`;
        index = close + 1;
      }
    } else {
      output += "$";
      index = dollar + 1;
    }
  }
  return output;
}
