import { describe, expect, it } from "vitest";
import { expandKubernetesReferences } from "../../../src/adapters/local-runtime/variable-expansion.js";

const vars: Record<string, string> = { HOME: "/home/a", EMPTY: "" };
const expand = (input: string) => expandKubernetesReferences(input, (name) => vars[name]);

describe("Kubernetes $(VAR) expansion as the kubelet does it", () => {
  it.each([
    ["$(HOME)/x", "/home/a/x"],
    ["[$(EMPTY)]", "[]"],
    ["$(UNDEFINED) stays", "$(UNDEFINED) stays"],
    ["echo $(date +%s)", "echo $(date +%s)"],
    ["pid $$ and $$(HOME)", "pid $ and $(HOME)"],
    ["$$$$", "$$"],
    ["cost $5 and ${HOME}", "cost $5 and ${HOME}"],
    ["unterminated $(HOME", "unterminated $(HOME"],
    ["ends with $", "ends with $"],
  ])("%s → %s", (input, output) => {
    expect(expand(input)).toBe(output);
  });
});
