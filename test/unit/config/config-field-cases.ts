import type { ConfigFieldKey } from "../../../src/domain/config/config-fields.js";

/** For every field: values that must be accepted (raw → parsed) and values that must be refused. */
export const CONFIG_FIELD_CASES: Record<ConfigFieldKey, { accept: Array<[unknown, unknown]>; reject: unknown[] }> = {
  model: {
    accept: [
      ["claude-opus-4", "claude-opus-4"],
      ["  claude-sonnet-4  ", "claude-sonnet-4"],
    ],
    reject: [42, {}],
  },
  command: {
    accept: [
      ["claude", "claude"],
      ["/usr/local/bin/claude", "/usr/local/bin/claude"],
      ["", ""],
    ],
    // A command line, a quote, a relative path or a way out of the directory is not an executable.
    reject: ["claude --debug", "claude;rm -rf /", "'claude'", "bin/claude", "/opt/../bin/claude", 7],
  },
  effort: {
    accept: [
      ["high", "high"],
      [" low ", "low"],
    ],
    reject: ["extreme", 3],
  },
  maxTurnsPerRun: {
    accept: [
      [10, 10],
      ["25", 25],
      [0, 0],
    ],
    reject: [-1, 1.5, "ten", 100_001],
  },
  dangerouslySkipPermissions: {
    accept: [
      [false, false],
      ["true", true],
      ["off", false],
      ["YES", true],
      [0, false],
    ],
    reject: ["maybe", 2, {}],
  },
  extraArgs: {
    accept: [
      [
        ["--verbose", "--foo=bar baz"],
        ["--verbose", "--foo=bar baz"],
      ],
      ['["--a", "b c"]', ["--a", "b c"]],
      ["--a\n  b c  \n\n--d", ["--a", "b c", "--d"]],
    ],
    reject: [[1, 2], '["unterminated', { a: 1 }, 7],
  },
  instructionsFilePath: { accept: [["/paperclip/AGENTS.md", "/paperclip/AGENTS.md"]], reject: [true] },
  promptTemplate: { accept: [["Hi {{agent.name}}\n", "Hi {{agent.name}}\n"]], reject: [["x"]] },
  bootstrapPromptTemplate: { accept: [["  keep spaces  ", "  keep spaces  "]], reject: [1] },
  maxPromptBytes: {
    accept: [
      [1024, 1024],
      ["2048", 2048],
    ],
    reject: [0, 64 * 1024 * 1024 + 1, "big"],
  },
  cwd: { accept: [["/work", "/work"]], reject: [false] },
  env: {
    accept: [
      [
        { FOO: "bar", N: 3, B: true },
        { FOO: "bar", N: "3", B: "true" },
      ],
      ['{"FOO":"bar"}', { FOO: "bar" }],
      ["FOO=bar\n# comment\n\nEMPTY=\nURL=http://x/?a=b", { FOO: "bar", EMPTY: "", URL: "http://x/?a=b" }],
    ],
    reject: [
      { "BAD-NAME": "x" },
      { FOO: { nested: true } },
      "FOO",
      "[1,2]",
      '{"FOO":',
      { PAPERCLIP_API_KEY: "stolen" },
    ],
  },
  runtime: {
    accept: [
      ["local", "local"],
      ["kubernetes", "kubernetes"],
    ],
    reject: ["docker", 1],
  },
  namespace: { accept: [["agents", "agents"]], reject: ["Agents", "a_b", "-x", "x".repeat(64)] },
  ttlSecondsAfterFinished: {
    accept: [
      [0, 0],
      ["600", 600],
    ],
    reject: [-5, "soon"],
  },
  retainJobs: {
    accept: [
      [true, true],
      ["false", false],
    ],
    reject: ["kept"],
  },
  reattachOrphanedJobs: {
    accept: [
      [false, false],
      ["1", true],
    ],
    reject: [[]],
  },
  image: { accept: [["ghcr.io/x/claude:1", "ghcr.io/x/claude:1"]], reject: [{}] },
  imagePullPolicy: {
    accept: [
      ["Always", "Always"],
      ["Never", "Never"],
    ],
    reject: ["always", "Sometimes"],
  },
  serviceAccountName: { accept: [["claude-runner", "claude-runner"]], reject: ["Claude Runner"] },
  resources: {
    accept: [
      [
        { requests: { cpu: "250m" }, limits: { memory: "1Gi" } },
        { requests: { cpu: "250m", memory: "2Gi" }, limits: { cpu: "4000m", memory: "1Gi" } },
      ],
      [
        '{"limits":{"cpu":"2","nvidia.com/gpu":"1"}}',
        { requests: { cpu: "1000m", memory: "2Gi" }, limits: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" } },
      ],
    ],
    reject: [{ requests: { cpu: "lots" } }, { wants: { cpu: "1" } }, "[1]", { requests: "1" }, '{"requests":'],
  },
  nodeSelector: {
    accept: [
      [{ "kubernetes.io/arch": "amd64" }, { "kubernetes.io/arch": "amd64" }],
      ["pool=agents\nzone = eu-1", { pool: "agents", zone: "eu-1" }],
      ['{"pool":"agents"}', { pool: "agents" }],
    ],
    reject: [{ "bad key!": "x" }, { pool: "not valid value" }, "novalue"],
  },
  tolerations: {
    accept: [
      [
        [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
        [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }],
      ],
      [
        '[{"key":"pool","operator":"Equal","value":"agents","effect":"NoExecute","tolerationSeconds":60}]',
        [{ key: "pool", operator: "Equal", value: "agents", effect: "NoExecute", tolerationSeconds: 60 }],
      ],
    ],
    reject: ['{"key":"x"}', "[1]", [{ operator: "Maybe" }], [{ effect: "Never" }], [{ colour: "red" }], "[oops"],
  },
  labels: {
    accept: [
      [{ team: "platform" }, { team: "platform" }],
      ["team=platform\ncost-center=42", { team: "platform", "cost-center": "42" }],
    ],
    reject: [{ "paperclip.io/run-id": "x" }, { "app.kubernetes.io/name": "x" }, { team: "a b" }],
  },
  inheritEnv: {
    accept: [
      [
        ["OPENAI_*", "MY_TOKEN"],
        ["OPENAI_*", "MY_TOKEN"],
      ],
      ["NODE_EXTRA_CA_CERTS\nTZ", ["NODE_EXTRA_CA_CERTS", "TZ"]],
    ],
    reject: [{ a: 1 }, 7],
  },
  inheritEnvFrom: { accept: [[["run-settings"], ["run-settings"]]], reject: [{ a: 1 }] },
  inheritSecretVolumes: { accept: [["claude-creds", ["claude-creds"]]], reject: [3] },
  runAsUser: {
    accept: [
      [2000, 2000],
      ["1001", 1001],
    ],
    reject: [0, -1, "root"],
  },
  runAsGroup: { accept: [[3000, 3000]], reject: [0] },
  fsGroup: { accept: [[4000, 4000]], reject: [0, 2.5] },
  timeoutSec: {
    accept: [
      [3600, 3600],
      ["0", 0],
    ],
    reject: [-1, "1h"],
  },
  graceSec: { accept: [[5, 5]], reject: [3601] },
  podStartTimeoutSec: { accept: [[120, 120]], reject: [0] },
  logAppearTimeoutSec: { accept: [[60, 60]], reject: [0] },
  drainTimeoutSec: {
    accept: [
      [0, 0],
      [45, 45],
    ],
    reject: [-1],
  },
  maxLineBytes: {
    accept: [
      [1024, 1024],
      ["67108864", 64 * 1024 * 1024],
      [256 * 1024 * 1024, 256 * 1024 * 1024],
    ],
    reject: [0, 1023, 256 * 1024 * 1024 + 1, "16MiB", 1.5],
  },
  maxOutputBytes: {
    accept: [
      [1024 * 1024, 1024 * 1024],
      ["8589934592", 8 * 1024 * 1024 * 1024],
    ],
    reject: [0, 1024 * 1024 - 1, 64 * 1024 * 1024 * 1024 + 1, "1G"],
  },
  maxOutputLines: {
    accept: [
      [1000, 1000],
      ["5000000", 5_000_000],
    ],
    reject: [0, 999, 100_000_001, -5],
  },
  dataMountPath: {
    accept: [
      ["/data/", "/data/"],
      ["/paperclip", "/paperclip"],
    ],
    reject: ["paperclip", "/a/../b"],
  },
  runLogRoot: { accept: [["/paperclip/logs", "/paperclip/logs"]], reject: ["logs"] },
  instanceId: { accept: [["prod", "prod"]], reject: ["Prod!", "a/b"] },
  paperclipApiUrl: {
    accept: [["http://paperclip.paperclip.svc:3100", "http://paperclip.paperclip.svc:3100"]],
    reject: ["paperclip:3100", "ftp://x"],
  },
};
