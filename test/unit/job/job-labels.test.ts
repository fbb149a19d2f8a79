import { describe, expect, it } from "vitest";
import {
  agentRunsSelector,
  MANAGED_BY_SELECTOR,
  readRunAnnotations,
  sanitizeLabelValue,
} from "../../../src/domain/job/job-labels.js";
import { jobNameFor } from "../../../src/domain/job/job-name.js";
import { matchesSelector } from "../../fakes/fake-kubernetes.js";

const VALID_LABEL = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;

describe("sanitizeLabelValue", () => {
  it("keeps a value that is already a valid label value", () => {
    expect(sanitizeLabelValue("agent-2.x_y")).toBe("agent-2.x_y");
  });

  it.each(["Fix: bug/#12", "-leading", "trailing-", "x".repeat(64), "ünïcode", "a b c", "///"])(
    "makes %j a valid label value",
    (value) => {
      expect(sanitizeLabelValue(value)).toMatch(VALID_LABEL);
      expect(sanitizeLabelValue(value).length).toBeGreaterThan(0);
    },
  );

  it("keeps two ids apart when they reduce to the same characters", () => {
    expect(sanitizeLabelValue("task/1")).not.toBe(sanitizeLabelValue("task:1"));
    expect(sanitizeLabelValue(`${"x".repeat(70)}a`)).not.toBe(sanitizeLabelValue(`${"x".repeat(70)}b`));
  });

  it("is stable, so a selector built later matches what the writer labelled", () => {
    expect(sanitizeLabelValue("Fix: bug/#12")).toBe(sanitizeLabelValue("Fix: bug/#12"));
  });
});

describe("selectors", () => {
  it("selects every run Job by the managed-by label", () => {
    expect(MANAGED_BY_SELECTOR).toBe("app.kubernetes.io/managed-by=paperclip-claude-k8s");
  });

  it("selects one agent's run Jobs with its sanitized id", () => {
    const labels = {
      "app.kubernetes.io/managed-by": "paperclip-claude-k8s",
      "paperclip.io/agent-id": sanitizeLabelValue("agent one"),
    };
    expect(matchesSelector(labels, agentRunsSelector("agent one"))).toBe(true);
    expect(matchesSelector(labels, agentRunsSelector("agent two"))).toBe(false);
  });
});

describe("readRunAnnotations", () => {
  const annotated = {
    "paperclip.io/run-id": "run-old",
    "paperclip.io/stdout-path": "/p/run-old.pod.ndjson",
    "paperclip.io/stderr-path": "/p/run-old.pod.stderr.log",
    "paperclip.io/trailer-path": "/p/run-old.pod.trailer.json",
    "paperclip.io/prompt-path": "/p/run-old.prompt.md",
  };

  it("reads back the recorded run id and paths", () => {
    expect(
      readRunAnnotations({ metadata: { annotations: annotated }, spec: { template: { spec: { containers: [] } } } }),
    ).toEqual({
      runId: "run-old",
      stdoutPath: "/p/run-old.pod.ndjson",
      stderrPath: "/p/run-old.pod.stderr.log",
      trailerPath: "/p/run-old.pod.trailer.json",
      promptPath: "/p/run-old.prompt.md",
    });
  });

  it.each(Object.keys(annotated))("returns null when %s is missing (a Job this adapter did not create)", (key) => {
    const partial: Record<string, string> = { ...annotated };
    delete partial[key];
    expect(
      readRunAnnotations({ metadata: { annotations: partial }, spec: { template: { spec: { containers: [] } } } }),
    ).toBeNull();
  });
});

describe("jobNameFor", () => {
  it("is an RFC 1123 label of at most 63 characters for hostile and long ids", () => {
    for (const ids of [
      { tenantId: "c", agentId: "AGENT_One!!", runId: "--Run--" },
      { tenantId: "c", agentId: "x".repeat(200), runId: "y".repeat(200) },
      { tenantId: "c", agentId: "---", runId: "___" },
    ]) {
      const name = jobNameFor(ids);
      expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
  });

  it("differs between companies even for the same agent and run ids", () => {
    expect(jobNameFor({ tenantId: "a", agentId: "x", runId: "y" })).not.toBe(
      jobNameFor({ tenantId: "b", agentId: "x", runId: "y" }),
    );
  });
});
