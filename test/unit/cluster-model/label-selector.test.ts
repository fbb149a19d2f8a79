import { describe, expect, it } from "vitest";
import { matchesLabelSelector } from "../../../src/adapters/cluster-model/label-selector.js";

const labels = { app: "paperclip", "paperclip.io/run-id": "r1" };

describe("label selectors of the equality kind", () => {
  it.each([
    ["", true],
    ["app=paperclip", true],
    ["app==paperclip,paperclip.io/run-id=r1", true],
    ["app=paperclip,paperclip.io/run-id=r2", false],
    ["app!=other", true],
    ["app!=paperclip", false],
    ["app", true],
    ["!app", false],
    ["!missing", true],
  ])("%j matches: %s", (selector, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });

  it("refuses set-based selectors instead of matching them wrongly", () => {
    expect(() => matchesLabelSelector(labels, "app in (a,b)")).toThrow(/set-based label selector/);
  });
});
