import { describe, expect, it } from "vitest";
import { cacheDir } from "./toolchain.js";

describe("toolchain cacheDir", () => {
  it("uses $XDG_CACHE_HOME/claude-k8s-ci when set, else $HOME/.cache/claude-k8s-ci (the dir .ci/run also uses)", () => {
    expect(cacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache/claude-k8s-ci");
    expect(cacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache/claude-k8s-ci");
    expect(cacheDir({ XDG_CACHE_HOME: " ", HOME: "/home/u" })).toBe("/home/u/.cache/claude-k8s-ci");
  });
});
