/**
 * The host's logger handed to createServerAdapter({ log }) is the server log the shared machinery
 * writes to: here the reconciler, which a run starts on its namespace, reports that it could not
 * list the adapter's Jobs (the API server refuses with 403), through the real client-node adapter.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServerAdapter, type ClaudeK8sServerAdapter } from "../../../src/paperclip/server-adapter.js";
import type { LogPort } from "../../../src/ports/log-port.js";
import { eventually } from "../../support/eventually.js";
import { LoopbackKubeApi } from "../../support/loopback-kube-api/index.js";

const NAMESPACE = "agents";
const SERVER_POD = "paperclip-0";

let api: LoopbackKubeApi;
let root: string;
let adapter: ClaudeK8sServerAdapter | undefined;
const hostname = process.env.HOSTNAME;

beforeEach(async () => {
  api = await LoopbackKubeApi.start();
  root = mkdtempSync(join(tmpdir(), "claude-k8s-server-log-"));
  process.env.HOSTNAME = SERVER_POD;
});

afterEach(async () => {
  await adapter?.dispose();
  await api.close();
  rmSync(root, { recursive: true, force: true });
  if (hostname === undefined) delete process.env.HOSTNAME;
  else process.env.HOSTNAME = hostname;
});

function context(dataMountPath: string): AdapterExecutionContext {
  return {
    runId: "run-1",
    agent: { id: "agent-1", companyId: "company-1", name: "Agent", adapterType: "claude_k8s", adapterConfig: {} },
    runtime: { sessionId: null, sessionParams: null, sessionDisplayId: null, taskKey: null },
    config: { namespace: NAMESPACE, dataMountPath, paperclipApiUrl: "http://paperclip.agents.svc:3100" },
    context: {},
    onLog: async () => undefined,
    authToken: "run-token-0123456789",
  } as unknown as AdapterExecutionContext;
}

describe("createServerAdapter({ log })", () => {
  it("hands the reconciler's lines to the host's logger", async () => {
    const data = join(root, "data");
    api.seedPod({
      metadata: { name: SERVER_POD, namespace: NAMESPACE },
      spec: {
        containers: [{ name: "paperclip", image: "paperclip:1", volumeMounts: [{ name: "data", mountPath: data }] }],
        volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
      },
    });
    const kubeconfig = join(root, "kubeconfig");
    writeFileSync(kubeconfig, api.kubeConfig(NAMESPACE).exportConfig());
    // The reconciler's first sweep and the run's own guard both list the Jobs: both are refused.
    api.failNext({ verb: "list", resource: "jobs", status: 403, times: 2 });
    const lines: string[] = [];
    const log: LogPort = { info: (line) => lines.push(line), warn: (line) => lines.push(line) };
    adapter = createServerAdapter({ log, hostEnv: { KUBECONFIG: kubeconfig } });

    const result = await adapter.execute(context(data));

    expect(result.errorCode).toBe("k8s_api_error");
    const line = await eventually("the reconciler's line in the host's log", () =>
      lines.find((l) => l.includes("reconciler: listing Jobs failed")),
    );
    expect(line).toMatch(/^\[claude-k8s\] reconciler: listing Jobs failed: .*403/);
  });
});
