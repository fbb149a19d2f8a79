import { describe, expect, it } from "vitest";
import { escapeKubernetesExpansion } from "../../../src/domain/job/kubernetes-expansion.js";
import { quoteShellArg, quoteShellWords } from "../../../src/domain/job/shell-quote.js";
import { buildRunScript } from "../../../src/domain/job/run-script.js";
import { expandKubernetesReferences } from "../../integration/run-script/pod-harness.js";

const TRICKY = ["", "plain", "$", "$$", "$$$", "$(HOME)", "$$(HOME)", "$(", "a$", "${HOME}", "$HOME", "it's", "`x`"];

describe("quoteShellArg", () => {
  it("wraps values in single quotes and writes an embedded quote as '\\''", () => {
    expect(quoteShellArg("plain")).toBe("'plain'");
    expect(quoteShellArg("")).toBe("''");
    expect(quoteShellArg("it's")).toBe("'it'\\''s'");
    expect(quoteShellArg("$(x) `y` \\ \n")).toBe("'$(x) `y` \\ \n'");
  });

  it("joins quoted words with single spaces", () => {
    expect(quoteShellWords(["a b", "c"])).toBe("'a b' 'c'");
  });
});

describe("escapeKubernetesExpansion", () => {
  it.each(TRICKY)("gives %j back unchanged after Kubernetes expands $(VAR) references", (value) => {
    const env = new Map([["HOME", "/expanded"]]);
    expect(expandKubernetesReferences(escapeKubernetesExpansion(value), env)).toBe(value);
  });

  it("leaves text without $( or $$ exactly as written", () => {
    expect(escapeKubernetesExpansion("echo $out ${1:-0} $? $!")).toBe("echo $out ${1:-0} $? $!");
  });

  it("finds nothing to escape in the run script template itself, so it reads the same with or without expansion", () => {
    const script = buildRunScript(["claude", "--print"], {
      stdout: "/d/run.pod.ndjson",
      stderr: "/d/run.pod.stderr.log",
      trailer: "/d/run.pod.trailer.json",
      prompt: "/d/run.prompt.md",
    });
    expect(script).not.toMatch(/\$[($]/);
  });
});
