/**
 * The one source of truth for the adapter's configuration: every field's key, kind, default and
 * help text. The parser, Paperclip's config schema and the agent configuration doc are all
 * generated from this table, so they cannot disagree.
 */
import type { ResourceRequirements, Toleration } from "../../ports/kubernetes-objects.js";
import { DEFAULT_OUTPUT_LIMITS } from "../tailer/output-budget.js";
import { DEFAULT_MAX_LINE_BYTES } from "../tailer/utf8-line-framer.js";

export type FieldKind =
  "string" | "integer" | "boolean" | "enum" | "stringList" | "stringMap" | "tolerations" | "resources";

interface FieldBase {
  readonly kind: FieldKind;
  readonly label: string;
  readonly hint: string;
  readonly group: "Claude" | "Kubernetes" | "Pod" | "Run" | "Paperclip";
  /** null means "not set": inherit from the server pod or derive at run time. */
  readonly nullable?: boolean;
  /**
   * Set by the operator in the Paperclip server's environment under this name, never in per-agent
   * config (which board users and approved hires edit): the field hands the server's own secrets
   * to run pods. Embedders that build the config themselves set it directly.
   */
  readonly serverEnv?: string;
}

export interface StringField extends FieldBase {
  readonly kind: "string";
  readonly default: string;
  /** Extra shape check beyond "is text". */
  readonly format?: "absolutePath" | "httpUrl" | "dnsLabel" | "executable";
  readonly multiline?: boolean;
}
export interface IntegerField extends FieldBase {
  readonly kind: "integer";
  readonly default: number;
  readonly min: number;
  readonly max: number;
}
export interface BooleanField extends FieldBase {
  readonly kind: "boolean";
  readonly default: boolean;
}
export interface EnumField extends FieldBase {
  readonly kind: "enum";
  readonly options: readonly string[];
  readonly default: string;
}
export interface StringListField extends FieldBase {
  readonly kind: "stringList";
  readonly default: readonly string[];
}
export interface StringMapField extends FieldBase {
  readonly kind: "stringMap";
  readonly default: Readonly<Record<string, string>> | null;
  readonly keyFormat: "envName" | "labelKey";
}
export interface TolerationsField extends FieldBase {
  readonly kind: "tolerations";
  readonly default: readonly Toleration[] | null;
}
export interface ResourcesField extends FieldBase {
  readonly kind: "resources";
  readonly default: ResourceRequirements;
}

export type FieldSpec =
  | StringField
  | IntegerField
  | BooleanField
  | EnumField
  | StringListField
  | StringMapField
  | TolerationsField
  | ResourcesField;

const MiB = 1024 * 1024;

export const CONFIG_FIELDS = {
  // --- Claude -------------------------------------------------------------------------------
  model: {
    kind: "string",
    default: "",
    group: "Claude",
    label: "Model",
    hint: "Claude model id passed as --model; empty uses Claude's default.",
  },
  command: {
    kind: "string",
    default: "",
    format: "executable",
    group: "Claude",
    label: "Command",
    hint: "The claude executable in the pod: a name on the image's PATH or an absolute path; empty runs claude.",
  },
  effort: {
    kind: "enum",
    options: ["", "low", "medium", "high", "xhigh", "max"],
    default: "",
    group: "Claude",
    label: "Effort",
    hint: "Reasoning effort passed as --effort; empty leaves it to Claude.",
  },
  maxTurnsPerRun: {
    kind: "integer",
    default: 0,
    min: 0,
    max: 100_000,
    group: "Claude",
    label: "Max turns per run",
    hint: "Passed as --max-turns when greater than 0; 0 means no limit.",
  },
  dangerouslySkipPermissions: {
    kind: "boolean",
    default: true,
    group: "Claude",
    label: "Skip permission prompts",
    hint: "Passes --dangerously-skip-permissions (the pod is the sandbox); off uses --permission-mode default.",
  },
  extraArgs: {
    kind: "stringList",
    default: [],
    group: "Claude",
    label: "Extra claude arguments",
    hint: "Appended last to the claude command line: a JSON array of strings, or one argument per line.",
  },
  instructionsFilePath: {
    kind: "string",
    default: "",
    group: "Claude",
    label: "Instructions file",
    hint: "Markdown file on the server appended to the system prompt of fresh sessions.",
  },
  promptTemplate: {
    kind: "string",
    default: "",
    multiline: true,
    group: "Claude",
    label: "Prompt template",
    hint: "Template for the run's prompt ({{agent.id}}, {{agent.name}}, ...); empty uses Paperclip's default.",
  },
  bootstrapPromptTemplate: {
    kind: "string",
    default: "",
    multiline: true,
    group: "Claude",
    label: "Bootstrap prompt template",
    hint: "Prepended to the prompt of fresh sessions only.",
  },
  maxPromptBytes: {
    kind: "integer",
    default: 8 * MiB,
    min: 1,
    max: 64 * MiB,
    group: "Claude",
    label: "Max prompt size (bytes)",
    hint: "A larger prompt is refused before anything is created in the cluster.",
  },
  cwd: {
    kind: "string",
    default: "",
    group: "Claude",
    label: "Working directory",
    hint: "Working directory when Paperclip gives no workspace; default <dataMountPath>/claude-k8s/companies/<companyId>/agents/<agentId>/workspace. Must be on the data volume and this agent's own: never the claim root, the run-log root, the adapter's tree or Paperclip's instance home.",
  },
  env: {
    kind: "stringMap",
    keyFormat: "envName",
    default: {},
    group: "Claude",
    label: "Environment",
    hint: "Extra environment for claude: a JSON object or KEY=value lines. Paperclip's own keys are refused.",
  },

  // --- Kubernetes ---------------------------------------------------------------------------
  runtime: {
    kind: "enum",
    options: ["kubernetes", "local"],
    default: "kubernetes",
    group: "Kubernetes",
    label: "Runtime",
    hint: "kubernetes runs a Job per run; local runs the same Job as local processes (demos, tests, single machine).",
  },
  namespace: {
    kind: "string",
    default: "",
    format: "dnsLabel",
    group: "Kubernetes",
    label: "Namespace",
    hint: "Namespace for the run Jobs; empty uses the Paperclip server pod's namespace.",
  },
  ttlSecondsAfterFinished: {
    kind: "integer",
    default: 300,
    min: 0,
    max: 7 * 24 * 3600,
    group: "Kubernetes",
    label: "Job TTL after finish (s)",
    hint: "Kubernetes deletes finished Jobs after this long, a backstop behind the adapter's own cleanup.",
  },
  retainJobs: {
    kind: "boolean",
    default: false,
    group: "Kubernetes",
    label: "Retain Jobs and logs",
    hint: "Keep the run's files on the volume after the run (for debugging). The finished Job is kept until its TTL (ttlSecondsAfterFinished: raise it to keep Jobs longer) or until the agent's next run needs its run slot.",
  },
  reattachOrphanedJobs: {
    kind: "boolean",
    default: true,
    group: "Kubernetes",
    label: "Reattach orphaned Jobs",
    hint: "After a server restart, adopt a still-running Job of the same agent and task instead of blocking.",
  },

  // --- Pod ----------------------------------------------------------------------------------
  image: {
    kind: "string",
    default: "",
    group: "Pod",
    label: "Image",
    hint: "Container image with claude installed; empty uses the Paperclip server pod's image.",
  },
  imagePullPolicy: {
    kind: "enum",
    options: ["IfNotPresent", "Always", "Never"],
    default: "IfNotPresent",
    group: "Pod",
    label: "Image pull policy",
    hint: "Pull policy of the run pod's containers.",
  },
  serviceAccountName: {
    kind: "string",
    default: "",
    format: "dnsLabel",
    group: "Pod",
    label: "Service account",
    hint: "Service account of the run pod; when empty no API token is mounted into the pod.",
  },
  resources: {
    kind: "resources",
    default: { requests: { cpu: "1000m", memory: "2Gi" }, limits: { cpu: "4000m", memory: "8Gi" } },
    group: "Pod",
    label: "Resources",
    hint: 'JSON {"requests":{"cpu","memory"},"limits":{...}}, or the flat keys resources.requests.cpu etc.; unset keys keep their defaults.',
  },
  nodeSelector: {
    kind: "stringMap",
    keyFormat: "labelKey",
    default: null,
    nullable: true,
    group: "Pod",
    label: "Node selector",
    hint: "JSON object or key=value lines; empty inherits the server pod's nodeSelector.",
  },
  tolerations: {
    kind: "tolerations",
    default: null,
    nullable: true,
    group: "Pod",
    label: "Tolerations",
    hint: "JSON array of tolerations; empty inherits the server pod's tolerations.",
  },
  labels: {
    kind: "stringMap",
    keyFormat: "labelKey",
    default: {},
    group: "Pod",
    label: "Extra labels",
    hint: "JSON object or key=value lines added to the Job and pod (the adapter's own label keys are refused).",
  },
  inheritEnv: {
    kind: "stringList",
    default: [],
    group: "Pod",
    label: "Inherit server env",
    serverEnv: "CLAUDE_K8S_INHERIT_ENV",
    hint: "Server env names (NAME or PREFIX_*) run pods inherit besides the default ANTHROPIC_*, CLAUDE_CODE_*, AWS_*, CLOUD_ML_REGION, VERTEX_REGION_*, GOOGLE_CLOUD_PROJECT and HTTP(S)_PROXY/NO_PROXY. BETTER_AUTH_SECRET, DATABASE_URL and PAPERCLIP_* never pass.",
  },
  inheritEnvFrom: {
    kind: "stringList",
    default: [],
    group: "Pod",
    label: "Inherit server envFrom",
    serverEnv: "CLAUDE_K8S_INHERIT_ENV_FROM",
    hint: "Names of the server container's envFrom ConfigMaps/Secrets run pods also get (none by default). Every key of a listed source reaches the agent, so list only sources made for runs.",
  },
  inheritSecretVolumes: {
    kind: "stringList",
    default: [],
    group: "Pod",
    label: "Inherit server secret volumes",
    serverEnv: "CLAUDE_K8S_INHERIT_SECRET_VOLUMES",
    hint: "Volume or Secret names of the server's secret volumes mounted read-only (same path) into run pods (none by default).",
  },
  runAsUser: {
    kind: "integer",
    default: 1000,
    min: 1,
    max: 2_147_483_647,
    group: "Pod",
    label: "Run as user",
    hint: "Non-root uid of the run pod's containers.",
  },
  runAsGroup: {
    kind: "integer",
    default: 1000,
    min: 1,
    max: 2_147_483_647,
    group: "Pod",
    label: "Run as group",
    hint: "Non-root gid of the run pod's containers.",
  },
  fsGroup: {
    kind: "integer",
    default: 1000,
    min: 1,
    max: 2_147_483_647,
    group: "Pod",
    label: "fsGroup",
    hint: "Supplementary group owning the pod's volumes.",
  },

  // --- Run ----------------------------------------------------------------------------------
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

  // --- Paperclip ----------------------------------------------------------------------------
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

export type ConfigFieldKey = keyof typeof CONFIG_FIELDS;

type ValueOf<F> = F extends { kind: "string" }
  ? string
  : F extends { kind: "integer" }
    ? number
    : F extends { kind: "boolean" }
      ? boolean
      : F extends { kind: "enum"; options: readonly (infer O)[] }
        ? O
        : F extends { kind: "stringList" }
          ? readonly string[]
          : F extends { kind: "stringMap"; nullable: true }
            ? Readonly<Record<string, string>> | null
            : F extends { kind: "stringMap" }
              ? Readonly<Record<string, string>>
              : F extends { kind: "tolerations" }
                ? readonly Toleration[] | null
                : F extends { kind: "resources" }
                  ? ResourceRequirements
                  : never;

/** The validated, defaulted adapter configuration. */
export type AdapterConfig = { readonly [K in ConfigFieldKey]: ValueOf<(typeof CONFIG_FIELDS)[K]> };

export const CONFIG_FIELD_KEYS = Object.keys(CONFIG_FIELDS) as ConfigFieldKey[];

/** The fields an agent's config may set; the rest (`serverEnv`) come from the server's environment. */
export const PER_AGENT_CONFIG_KEYS = CONFIG_FIELD_KEYS.filter(
  (key) => (CONFIG_FIELDS[key] as FieldSpec).serverEnv === undefined,
);
export const SERVER_ENV_CONFIG_KEYS = CONFIG_FIELD_KEYS.filter((key) => !PER_AGENT_CONFIG_KEYS.includes(key));
