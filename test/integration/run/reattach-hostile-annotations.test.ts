/**
 * Reattach after a server restart, with the orphan Job's annotations rewritten to name a server
 * file outside the run-log root: through the real client-node, real pods and the real file system,
 * the adopting run follows the orphan's own files (recomputed from the ids) and the server file is
 * neither read into the transcript nor deleted.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ANNOTATION_KEYS } from "../../../src/domain/job/job-labels.js";
import { eventually } from "../../support/eventually.js";
import { NAMESPACE, RunHarness } from "../../support/run-harness/run-harness.js";

const SERVER_SECRET = "DATABASE_URL=postgres://server-secret";

describe("reattach against hostile annotations, through the real client-node and real pods", () => {
  let harness: RunHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("attack: annotations naming a file outside the run-log root: the adopting run neither reads nor deletes it", async () => {
    harness = await RunHarness.start();
    const h = harness;
    const serverFile = join(h.root, "server-secret.env");
    await writeFile(serverFile, `${SERVER_SECRET}\n`);
    const slow = { CLAUDE_STAND_IN_SCENARIO: "slow", CLAUDE_STAND_IN_DURATION_S: "6", CLAUDE_STAND_IN_TICK_MS: "100" };
    const serverA = h.server();
    const runA = h.start(h.request({ runId: "run-a" }, { env: slow }), { server: serverA });
    await eventually("run-a streaming", () => runA.stdout.length >= 2);
    serverA.die();

    // Whoever can edit the Job points every path annotation at the server's file.
    const [jobName = ""] = h.jobNames();
    const kubeConfig = h.api.kubeConfig(NAMESPACE);
    const patched = await fetch(
      `${kubeConfig.getCurrentCluster()?.server}/apis/batch/v1/namespaces/${NAMESPACE}/jobs/${jobName}`,
      {
        method: "PATCH",
        headers: {
          "content-type": "application/merge-patch+json",
          authorization: `Bearer ${kubeConfig.getCurrentUser()?.token}`,
        },
        body: JSON.stringify({
          metadata: {
            annotations: {
              [ANNOTATION_KEYS.stdoutPath]: serverFile,
              [ANNOTATION_KEYS.stderrPath]: serverFile,
              [ANNOTATION_KEYS.trailerPath]: serverFile,
              [ANNOTATION_KEYS.promptPath]: serverFile,
            },
          },
        }),
      },
    );
    expect(patched.status).toBe(200);

    const runB = h.start(h.request({ runId: "run-b" }, { env: slow }));
    const report = await runB.done;

    expect(report.reattachedFromRunId).toBe("run-a");
    expect(report.outcome.failure).toBeNull();
    expect(report.tail?.stdout.bytes).toBe(report.tail?.trailer?.stdoutBytes);
    expect([...runB.stdout, ...runB.stderr].join("")).not.toContain("server-secret");
    expect(await readFile(serverFile, "utf8")).toBe(`${SERVER_SECRET}\n`);
    expect((await h.leftoversAfterGrace()).files).toEqual([]);
  });
});
