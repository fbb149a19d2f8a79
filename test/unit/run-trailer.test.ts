import { describe, expect, it } from "vitest";
import { parseRunTrailer } from "../../src/domain/run-trailer.js";

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
