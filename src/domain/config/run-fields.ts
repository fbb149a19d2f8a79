/**
 * Configuration fields for a run's budgets (time, output) and where it meets Paperclip (the data
 * volume, the run-log root, the API URL).
 */
import { DEFAULT_OUTPUT_LIMITS } from "../tailer/output-budget.js";
import { DEFAULT_MAX_LINE_BYTES } from "../tailer/utf8-line-framer.js";
import { MiB, type FieldSpec } from "./config-field-spec.js";

export const RUN_FIELDS = {
  timeoutSec: {
    kind: "integer",
    default: 3 * 3600,
    min: 0,
    max: 30 * 24 * 3600,
    group: "Run",
    label: "Timeout (s)",
    hint: "Job activeDeadlineSeconds; default 10800 (3 h), so a hung model API cannot hold a pod for ever; 0 means no deadline.",
  },
  graceSec: {
    kind: "integer",
    default: 60,
    min: 0,
    max: 3600,
    group: "Run",
    label: "Grace (s)",
    hint: "How long the adapter waits beyond the timeout for the Job to report its end.",
  },
  podStartTimeoutSec: {
    kind: "integer",
    default: 600,
    min: 1,
    max: 24 * 3600,
    group: "Run",
    label: "Pod start budget (s)",
    hint: "How long the pod may take to be scheduled, pull its image and start claude.",
  },
  logAppearTimeoutSec: {
    kind: "integer",
    default: 30,
    min: 1,
    max: 3600,
    group: "Run",
    label: "Log file wait (s)",
    hint: "How long to wait for the pod's log file on the shared volume once the pod runs.",
  },
  drainTimeoutSec: {
    kind: "integer",
    default: 30,
    min: 0,
    max: 3600,
    group: "Run",
    label: "Drain window (s)",
    hint: "After the pod ends, how long to wait for the last bytes to become visible on the shared volume.",
  },
  maxLineBytes: {
    kind: "integer",
    default: DEFAULT_MAX_LINE_BYTES,
    min: 1024,
    max: 256 * MiB,
    group: "Run",
    label: "Max line size (bytes)",
    hint: "The longest output line held in server memory; a longer line is delivered cut, its head plus a '[claude-k8s: line cut at maxLineBytes …]' marker, and is not read as an event.",
  },
  maxOutputBytes: {
    kind: "integer",
    default: DEFAULT_OUTPUT_LIMITS.maxOutputBytes,
    min: MiB,
    max: 64 * 1024 * MiB,
    group: "Run",
    label: "Max output per run (bytes)",
    hint: "Bytes of stdout and stderr together a run may write; past it the Job is stopped and the run fails with k8s_pod_output_limit_exceeded.",
  },
  maxOutputLines: {
    kind: "integer",
    default: DEFAULT_OUTPUT_LIMITS.maxOutputLines,
    min: 1000,
    max: 100_000_000,
    group: "Run",
    label: "Max output lines per run",
    hint: "Lines of stdout and stderr together a run may write; past it the Job is stopped and the run fails with k8s_pod_output_limit_exceeded.",
  },
  dataMountPath: {
    kind: "string",
    default: "/paperclip",
    format: "absolutePath",
    group: "Paperclip",
    label: "Data mount path",
    hint: "Where the shared ReadWriteMany volume is mounted in both the server pod and the run pod.",
  },
  runLogRoot: {
    kind: "string",
    default: "",
    format: "absolutePath",
    group: "Paperclip",
    label: "Run log root",
    hint: "Directory for run logs on the shared volume; empty uses <dataMountPath>/instances/<instanceId>/data/run-logs.",
  },
  instanceId: {
    kind: "string",
    default: "",
    format: "dnsLabel",
    group: "Paperclip",
    label: "Instance id",
    hint: "Paperclip instance id used in the run log root; empty uses PAPERCLIP_INSTANCE_ID or 'default'.",
  },
  paperclipApiUrl: {
    kind: "string",
    default: "",
    format: "httpUrl",
    group: "Paperclip",
    label: "Paperclip API URL for pods",
    hint: "URL the run pod uses to reach Paperclip; empty uses the server pod's own PAPERCLIP_API_URL (never loopback).",
  },
} as const satisfies Record<string, FieldSpec>;
