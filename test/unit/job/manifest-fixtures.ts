/** A rich Paperclip server pod and a run spec, for manifest unit tests. */
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import { defaultAdapterConfig } from "../../../src/domain/config/parse-config.js";
import type { JobRunSpec } from "../../../src/domain/job/job-manifest-factory.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";

export const RUN_TOKEN = "pcp_run_token_4f9a8b7c6d5e";

export function serverPod(): Pod {
  return {
    metadata: { name: "paperclip-server-0", namespace: "paperclip", labels: { app: "paperclip" } },
    spec: {
      containers: [
        { name: "sidecar", image: "envoy:1" },
        {
          name: "paperclip",
          image: "ghcr.io/paperclipai/paperclip:2026.916.1",
          env: [
            { name: "PAPERCLIP_API_URL", value: "http://paperclip.paperclip.svc:3100" },
            { name: "NODE_OPTIONS", value: "--max-old-space-size=4096" },
            { name: "EMPTY_ONE", value: "" },
            { name: "PAPERCLIP_AGENT_JWT_SECRET", value: "server-only-secret" },
            { name: "PAPERCLIP_RUNTIME_API_URL", value: "http://paperclip.paperclip.svc:3100" },
            { name: "PAPERCLIP_API_KEY", value: "server-own-key-literal" },
            { name: "HOME", value: "/home/node" },
            { name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "anthropic", key: "api-key" } } },
            { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          ],
          envFrom: [{ configMapRef: { name: "paperclip-settings" } }, { secretRef: { name: "paperclip-extra" } }],
          volumeMounts: [
            { name: "data", mountPath: "/paperclip" },
            { name: "claude-creds", mountPath: "/etc/claude", readOnly: true },
            { name: "cache", mountPath: "/cache" },
          ],
        },
      ],
      volumes: [
        { name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } },
        { name: "claude-creds", secret: { secretName: "claude-credentials", defaultMode: 0o400 } },
        { name: "cache", emptyDir: {} },
        { name: "unmounted-secret", secret: { secretName: "not-for-the-server-container" } },
      ],
      imagePullSecrets: [{ name: "ghcr-pull" }],
      dnsPolicy: "ClusterFirst",
      dnsConfig: { options: [{ name: "ndots", value: "2" }] },
      nodeSelector: { pool: "paperclip" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "paperclip", effect: "NoSchedule" }],
    },
  };
}

export function runSpec(overrides: Partial<JobRunSpec> = {}, config: Partial<AdapterConfig> = {}): JobRunSpec {
  const ids = { tenantId: "company-1", agentId: "agent-2", runId: "run-3" };
  return {
    ...ids,
    taskId: "task-9",
    sessionKey: null,
    namespace: "agents",
    config: { ...defaultAdapterConfig(), ...config },
    serverPod: serverPod(),
    paths: runFilePaths("/paperclip/instances/default/data/run-logs", ids),
    workingDirectory: "/paperclip/workspaces/agent-2",
    claude: { resumeSessionId: null, freshSessionId: null, appendSystemPromptFile: null, addDirs: [] },
    env: {
      PAPERCLIP_AGENT_ID: ids.agentId,
      PAPERCLIP_COMPANY_ID: ids.tenantId,
      PAPERCLIP_API_URL: "http://localhost:3100",
      PAPERCLIP_RUN_ID: ids.runId,
      PAPERCLIP_TASK_ID: "task-9",
      PAPERCLIP_WAKE_REASON: "assigned",
    },
    apiToken: RUN_TOKEN,
    requiresApiUrl: true,
    localApiUrl: "http://localhost:3100",
    allowLoopbackApiUrl: false,
    ...overrides,
  };
}
