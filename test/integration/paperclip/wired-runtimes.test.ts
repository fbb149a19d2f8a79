/**
 * The Paperclip edge keeps one wired runtime per runtime setting, bounded: past MAX_WIRED_RUNTIMES
 * the least recently used idle one is disposed, and dispose() releases them all. A local runtime
 * shows it on disk: its state directory (`<data>/.local-runtime/<id>`) lives exactly as long as it.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseAdapterConfig } from "../../../src/domain/config/parse-config.js";
import { LOCAL_RUNTIME_STATE_NAME } from "../../../src/domain/volume-layout.js";
import { ContainerRunServices, MAX_WIRED_RUNTIMES } from "../../../src/paperclip/run-services.js";
import { eventually } from "../../support/eventually.js";

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function dataDirectories(count: number): string[] {
  const root = mkdtempSync(join(tmpdir(), "claude-k8s-wired-"));
  roots.push(root);
  return Array.from({ length: count }, (_, i) => join(root, `data-${i}`));
}

/** How many live local runtimes hold state in this data directory. */
function runtimesIn(dataDirectory: string): number {
  try {
    return readdirSync(join(dataDirectory, LOCAL_RUNTIME_STATE_NAME)).length;
  } catch {
    return 0;
  }
}

async function probe(services: ContainerRunServices, dataDirectory: string): Promise<void> {
  const config = parseAdapterConfig({ runtime: "local", dataMountPath: dataDirectory });
  if (!config.ok) throw new Error(config.failure.errorMessage);
  await services
    .for(config.value)
    .environment.probe(config.value, `${dataDirectory}/run-logs`, ".probe", { apiUrlOptional: true });
}

describe("the runtimes the Paperclip edge wires", () => {
  it("are bounded: one setting past the limit disposes the least recently used idle one, and dispose() the rest", async () => {
    const services = new ContainerRunServices({ moduleDir: tmpdir() });
    const directories = dataDirectories(MAX_WIRED_RUNTIMES + 1);
    try {
      for (const directory of directories.slice(0, MAX_WIRED_RUNTIMES)) await probe(services, directory);
      expect(directories.map(runtimesIn)).toEqual([...Array(MAX_WIRED_RUNTIMES).fill(1), 0]);

      // The first setting is used again, so the second is now the least recently used.
      await probe(services, directories[0]!);
      await probe(services, directories[MAX_WIRED_RUNTIMES]!);
      await eventually("the least recently used runtime disposed", () => runtimesIn(directories[1]!) === 0);
      expect(directories.map(runtimesIn)).toEqual([1, 0, ...Array(MAX_WIRED_RUNTIMES - 1).fill(1)]);

      // A disposed setting is wired again when a run or probe uses it.
      await probe(services, directories[1]!);
      expect(runtimesIn(directories[1]!)).toBe(1);
    } finally {
      await services.dispose();
    }
    expect(directories.map(runtimesIn)).toEqual(Array(MAX_WIRED_RUNTIMES + 1).fill(0));
  });
});
