/**
 * A tiny stand-in for the JobManifestFactory, in the same shape (suspended, backoffLimit 0,
 * restartPolicy Never, an init container making the log directory, the main `sh -c` run script
 * writing stdout/stderr straight to files on the data volume and an atomic trailer, the API key
 * from the run's Secret). Used until tests can run the factory's own Jobs.
 */
import type { Job, Secret } from "../../../src/ports/kubernetes-objects.js";
import { runFilePaths, type RunFilePaths } from "../../../src/domain/run-log-paths.js";

export interface RunJobOptions {
  readonly name: string;
  readonly dataDirectory: string;
  readonly scenario?: string;
  readonly activeDeadlineSeconds?: number;
  readonly ttlSecondsAfterFinished?: number;
  readonly extraEnv?: Record<string, string>;
  /** Replaces the run script entirely. */
  readonly script?: string;
}

export interface BuiltRun {
  readonly job: Job;
  readonly secret: Secret;
  readonly paths: RunFilePaths;
}

const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export function runScript(paths: RunFilePaths): string {
  return [
    `out=${quote(paths.stdout)}; err=${quote(paths.stderr)}; trailer=${quote(paths.trailer)}`,
    `claude --print --output-format stream-json --verbose --dangerously-skip-permissions < ${quote(paths.prompt)} > "$out" 2> "$err"`,
    `code=$?`,
    `so=$(wc -c < "$out"); se=$(wc -c < "$err")`,
    `printf '{"version":1,"exitCode":%d,"stdoutBytes":%d,"stderrBytes":%d}\\n' "$code" "$so" "$se" > "$trailer.tmp" && mv "$trailer.tmp" "$trailer"`,
    `exit "$code"`,
  ].join("\n");
}

export function buildRunJob(options: RunJobOptions): BuiltRun {
  const paths = runFilePaths(`${options.dataDirectory}/instances/default/data/run-logs`, {
    tenantId: "company-1",
    agentId: "agent-1",
    runId: options.name,
  });
  const labels = { "app.kubernetes.io/managed-by": "paperclip", "paperclip.io/run-id": options.name };
  const dataMount = { name: "data", mountPath: options.dataDirectory };
  const env = Object.entries({
    CLAUDE_STAND_IN_SCENARIO: options.scenario ?? "success",
    CLAUDE_STAND_IN_DELAY_MS: "0",
    ...options.extraEnv,
  }).map(([name, value]) => ({ name, value }));
  const secretName = `${options.name}-run`;
  const job: Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: options.name, labels },
    spec: {
      suspend: true,
      backoffLimit: 0,
      ...(options.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: options.activeDeadlineSeconds } : {}),
      ...(options.ttlSecondsAfterFinished !== undefined
        ? { ttlSecondsAfterFinished: options.ttlSecondsAfterFinished }
        : {}),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 },
          initContainers: [
            {
              name: "prepare",
              image: "local",
              command: ["sh", "-c", `mkdir -p ${quote(paths.directory)}`],
              volumeMounts: [dataMount],
            },
          ],
          containers: [
            {
              name: "claude",
              image: "local",
              command: ["sh", "-c", options.script ?? runScript(paths)],
              workingDir: `${options.dataDirectory}/workspace`,
              env: [
                ...env,
                { name: "PAPERCLIP_API_KEY", valueFrom: { secretKeyRef: { name: secretName, key: "api-key" } } },
              ],
              volumeMounts: [dataMount],
              securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false },
            },
          ],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } }],
        },
      },
    },
  };
  const secret: Secret = { metadata: { name: secretName }, stringData: { "api-key": "run-token-123" } };
  return { job, secret, paths };
}
