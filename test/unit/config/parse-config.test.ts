import { describe, expect, it } from "vitest";
import { CONFIG_FIELDS, CONFIG_FIELD_KEYS, type ConfigFieldKey } from "../../../src/domain/config/config-fields.js";
import { defaultAdapterConfig, parseAdapterConfig } from "../../../src/domain/config/parse-config.js";

function parsed(config: Record<string, unknown>) {
  const result = parseAdapterConfig(config, { isForbiddenEnvKey: (key) => key.startsWith("PAPERCLIP_") });
  if (!result.ok) throw new Error(`expected success, got ${result.failure.errorMessage}`);
  return result.value;
}

function failure(config: Record<string, unknown>) {
  const result = parseAdapterConfig(config, { isForbiddenEnvKey: (key) => key.startsWith("PAPERCLIP_") });
  if (result.ok) throw new Error(`expected invalid_config for ${JSON.stringify(config)}`);
  return result.failure;
}

describe("parseAdapterConfig defaults", () => {
  it("fills every field with its declared default when the config is empty", () => {
    const config = defaultAdapterConfig();
    for (const key of CONFIG_FIELD_KEYS) {
      expect(config[key], key).toEqual(CONFIG_FIELDS[key].default);
    }
  });

  it.each(CONFIG_FIELD_KEYS)("treats null, undefined and blank text as unset for %s", (key) => {
    for (const blank of [null, undefined, "", "   "]) {
      expect(parsed({ [key]: blank })[key]).toEqual(CONFIG_FIELDS[key].default);
    }
  });

  it("ignores keys the adapter does not own (host-injected ones)", () => {
    expect(parsed({ paperclipRuntimeSkills: [{ key: "x" }], somethingElse: 1 })).toEqual(defaultAdapterConfig());
  });
});

/** For every field: values that must be accepted (raw → parsed) and values that must be refused. */
const CASES: Record<ConfigFieldKey, { accept: Array<[unknown, unknown]>; reject: unknown[] }> = {
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

describe("parseAdapterConfig per field", () => {
  it("has accept and reject cases for every field", () => {
    expect(Object.keys(CASES).sort()).toEqual([...CONFIG_FIELD_KEYS].sort());
  });

  describe.each(CONFIG_FIELD_KEYS)("%s", (key) => {
    it.each(CASES[key].accept.map(([raw, value]) => ({ raw, value })))("accepts $raw", ({ raw, value }) => {
      expect(parsed({ [key]: raw })[key]).toEqual(value);
    });

    it.each(CASES[key].reject.map((raw) => ({ raw })))(
      "refuses $raw with invalid_config naming the field",
      ({ raw }) => {
        const f = failure({ [key]: raw });
        expect(f.errorCode).toBe("invalid_config");
        expect(f.details.field).toBe(key);
        expect(f.errorMessage).toContain(`"${key}"`);
      },
    );
  });
});

describe("parseAdapterConfig flat resource keys", () => {
  it("accepts the flat keys form UIs send, over the nested value and the defaults", () => {
    const config = parsed({
      resources: { requests: { cpu: "500m" } },
      "resources.requests.cpu": "750m",
      "resources.limits.memory": "16Gi",
    });
    expect(config.resources).toEqual({
      requests: { cpu: "750m", memory: "2Gi" },
      limits: { cpu: "4000m", memory: "16Gi" },
    });
  });

  it("names the bad flat key in the error", () => {
    const f = failure({ "resources.limits.cpu": "fast" });
    expect(f.details.field).toBe("resources");
    expect(f.errorMessage).toContain("resources.limits.cpu");
  });

  it("refuses an unknown flat section", () => {
    expect(failure({ "resources.wishes.cpu": "1" }).errorMessage).toContain('unknown section "wishes"');
  });
});

describe("parseAdapterConfig messages", () => {
  it("says what is wrong and what was received", () => {
    expect(failure({ timeoutSec: -1 }).errorMessage).toBe(
      'Invalid adapter config field "timeoutSec": must be between 0 and 2592000, got -1. Fix it in the agent\'s adapter settings.',
    );
    expect(failure({ env: { PAPERCLIP_API_KEY: "x" } }).errorMessage).toContain("PAPERCLIP_API_KEY cannot be set here");
  });
});
