/**
 * The local runtime keeps every runtime's Jobs, pod records and Secrets (run tokens) under
 * `<data>/.local-runtime`, on the same directory the pods' data volume comes from. A pod mounts
 * its working directory read-write, and the working directory is per-agent config: were it allowed
 * there, a pod could read other runs' tokens and plant records the next runtime takes over.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { LocalKubernetesRuntime } from "../../../src/adapters/local-runtime/index.js";
import { createContainer } from "../../../src/container.js";
import { RunOrchestrator } from "../../../src/domain/run/run-orchestrator.js";
import { LOCAL_RUNTIME_STATE_NAME } from "../../../src/domain/volume-layout.js";
import { claudeStandInBinDirectory } from "../../../src/stand-in/stand-in-location.js";
import { PAPERCLIP_API_URL, runRequest } from "../../support/run-harness/run-harness.js";

describe("the local runtime's state directory is out of every pod's reach", () => {
  let runtime: LocalKubernetesRuntime | undefined;
  let dataDirectory = "";
  afterEach(async () => {
    await runtime?.shutdown();
    runtime = undefined;
    await rm(dataDirectory, { recursive: true, force: true });
  });

  it.each([
    ["the state directory itself", ""],
    ["a runtime's Secrets inside it", "/runtime-x/secrets"],
  ])(
    "attack: an agent whose working directory is %s is refused with working_directory_refused before any Job exists",
    async (_what, below) => {
      dataDirectory = await mkdtemp(`${tmpdir()}/claude-k8s-state-reach-`);
      runtime = new LocalKubernetesRuntime({
        dataDirectory,
        pathPrepend: [claudeStandInBinDirectory()],
        serverEnv: { PAPERCLIP_API_URL },
      });
      const stateDirectory = `${dataDirectory}/${LOCAL_RUNTIME_STATE_NAME}`;
      // The runtime keeps its state where the rule protects it.
      expect(existsSync(stateDirectory)).toBe(true);
      const orchestrator = createContainer({ bindings: { kubernetes: runtime } }).get(RunOrchestrator);
      const request = runRequest(dataDirectory, {}, { runId: "run-1", workingDirectory: `${stateDirectory}${below}` });

      const report = await orchestrator.run(
        request,
        { onLog: async () => undefined, onStatus: async () => undefined },
        new AbortController().signal,
      );

      expect(report.outcome.failure?.errorCode).toBe("working_directory_refused");
      expect(report.outcome.failure?.errorMessage).toContain("the local runtime's state");
      expect(await runtime.listJobs("local", "")).toEqual([]);
    },
  );
});
