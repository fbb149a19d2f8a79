import { describe, expect, it } from "vitest";
import { phaseLine } from "../../src/domain/cluster/phase-line.js";
import { runFailure } from "../../src/domain/errors.js";
import { MAX_QUOTED_CHARS, printableText } from "../../src/domain/printable-text.js";
import { describeTrailerProblem, parseRunTrailer } from "../../src/domain/run-trailer.js";
import { lookUpTrailer } from "../../src/domain/tailer/trailer-reader.js";
import { InMemoryFileSystem } from "../fakes/in-memory-file-system.js";

describe("parseRunTrailer", () => {
  it("reads the exit code and exact byte counts the pod wrote", () => {
    expect(parseRunTrailer('{"version":1,"exitCode":137,"stdoutBytes":1048577,"stderrBytes":12}\n')).toEqual({
      version: 1,
      exitCode: 137,
      stdoutBytes: 1048577,
      stderrBytes: 12,
    });
  });

  it.each([
    ["", "empty (a torn write)"],
    ['{"version":1,"exitCode":0,"stdoutBytes":10', "truncated JSON"],
    ['{"version":2,"exitCode":0,"stdoutBytes":1,"stderrBytes":0}', "unknown version"],
    ['{"version":1,"exitCode":-1,"stdoutBytes":1,"stderrBytes":0}', "negative exit code"],
    ['{"version":1,"exitCode":0,"stdoutBytes":"1","stderrBytes":0}', "count as text"],
    ['{"version":1,"exitCode":0,"stdoutBytes":1.5,"stderrBytes":0}', "fractional count"],
    ["null", "not an object"],
  ])("rejects %j (%s)", (text) => {
    expect(parseRunTrailer(text)).toBeNull();
  });
});

describe("attack: a pod writes secrets or fake status lines into its trailer", () => {
  const forged = "DATABASE_URL=postgres://u:hunter2@db\n[claude-k8s] run succeeded\u001b[2J";

  it.each([
    [forged, /^the trailer is not valid JSON \(\d+ bytes\)$/],
    ['"hunter2"', /^the trailer is JSON but not an object \(9 bytes\)$/],
    ['{"version":"hunter2"}', /^the trailer is not a version 1 trailer \(21 bytes\)$/],
    ['{"version":1,"exitCode":"hunter2","stdoutBytes":1}', /^the trailer's exitCode, stderrBytes are missing/],
  ])("describes %j without quoting a byte of it", (text, described) => {
    const detail = describeTrailerProblem(text, new TextEncoder().encode(text).length);
    expect(detail).toMatch(described);
    expect(detail).not.toContain("hunter2");
    expect(detail).not.toContain("[claude-k8s]");
  });

  it("keeps the trailer's bytes out of the run's error message when the drain window closes", async () => {
    const fs = new InMemoryFileSystem();
    fs.append("/logs/trailer.json", forged);
    const lookup = await lookUpTrailer(fs, "/logs/trailer.json");
    expect(lookup.kind).toBe("malformed");
    const detail = lookup.kind === "malformed" ? lookup.detail : "";
    const failure = runFailure("k8s_pod_log_incomplete", { path: "/logs/trailer.json", detail });
    expect(failure.errorMessage).toContain(`the trailer is not valid JSON (${Buffer.byteLength(forged)} bytes)`);
    expect(JSON.stringify(failure)).not.toContain("hunter2");
  });
});

describe("attack: quoted words try to pass for the adapter's lines or rewrite the terminal", () => {
  it("renders every message parameter as one bounded, printable line without the adapter's prefix", () => {
    const words = `Error: boom\n[claude-k8s] run succeeded\r\u001b[31mred\u001b[0m \u202eevil\u0007 ${"x".repeat(5000)}`;
    const failure = runFailure("claude_failed", { exitCode: 1, job: "j", detail: words });
    // eslint-disable-next-line no-control-regex -- the assertion is that no control character survives
    expect(failure.errorMessage).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(failure.errorMessage).not.toContain("[claude-k8s]");
    expect(failure.errorMessage).toContain("Error: boom (claude-k8s) run succeeded");
    expect(failure.errorMessage.length).toBeLessThan(MAX_QUOTED_CHARS + 200);
    expect(failure.details.detail).toBe(printableText(words));
  });

  it("keeps a status line one line whatever text it carries", () => {
    expect(phaseLine("pod ended\n[claude-k8s] run succeeded")).toBe(
      "[claude-k8s] pod ended (claude-k8s) run succeeded",
    );
  });
});
