import { describe, expect, it } from "vitest";
import {
  INIT_CONTAINER_NAME,
  JobManifestFactory,
  MAIN_CONTAINER_NAME,
  type JobRunSpec,
  type RunManifests,
} from "../../../src/domain/job/job-manifest-factory.js";
import { MANAGED_BY_SELECTOR, readRunAnnotations } from "../../../src/domain/job/job-labels.js";
import type { RunFailure } from "../../../src/domain/errors.js";
import type { Container, EnvVar } from "../../../src/ports/kubernetes-objects.js";
import { matchesSelector } from "../../fakes/fake-kubernetes.js";
import { runFilePaths } from "../../../src/domain/run-log-paths.js";
import { RUN_TOKEN, runSpec } from "./manifest-fixtures.js";

const factory = new JobManifestFactory();

function build(spec: JobRunSpec): RunManifests {
  const result = factory.build(spec);
  if (!result.ok) throw new Error(`expected manifests, got ${result.failure.errorMessage}`);
  return result.value;
}

function refuse(spec: JobRunSpec): RunFailure {
  const result = factory.build(spec);
  if (result.ok) throw new Error("expected the factory to refuse");
  return result.failure;
}

const main = (m: RunManifests): Container => m.job.spec.template.spec.containers[0]!;
const init = (m: RunManifests): Container => m.job.spec.template.spec.initContainers![0]!;
const envOf = (m: RunManifests): EnvVar[] => main(m).env ?? [];
const literal = (m: RunManifests, name: string): string | undefined => envOf(m).find((e) => e.name === name)?.value;

describe("the Job's identity", () => {
  it("has a deterministic RFC 1123 name of at most 63 characters, the same for a retried build", () => {
    const first = build(runSpec());
    const again = build(runSpec());
    expect(first.jobName).toBe(again.jobName);
    expect(first.job.metadata.name).toBe(first.jobName);
    expect(first.jobName).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(first.jobName.length).toBeLessThanOrEqual(63);
    expect(build(runSpec({ runId: "run-4" })).jobName).not.toBe(first.jobName);
  });

  it("keeps long ids within 63 characters and distinct when only their tails differ", () => {
    const long = "a".repeat(80);
    const one = build(runSpec({ agentId: long, runId: `${long}-1` })).jobName;
    const two = build(runSpec({ agentId: long, runId: `${long}-2` })).jobName;
    expect(one.length).toBeLessThanOrEqual(63);
    expect(one).not.toBe(two);
  });

  it("labels the Job and its pod for the shared watches and the concurrency guard", () => {
    const m = build(runSpec({ sessionKey: "sess-1" }, { labels: { team: "red" } }));
    const expected = {
      "app.kubernetes.io/managed-by": "paperclip-claude-k8s",
      "app.kubernetes.io/component": "agent-run",
      "paperclip.io/adapter-type": "claude_k8s",
      "paperclip.io/agent-id": "agent-2",
      "paperclip.io/run-id": "run-3",
      "paperclip.io/company-id": "company-1",
      "paperclip.io/task-id": "task-9",
      "paperclip.io/session-id": "sess-1",
      team: "red",
    };
    expect(m.job.metadata.labels).toEqual(expected);
    expect(m.job.spec.template.metadata?.labels).toEqual(expected);
    expect(matchesSelector(m.job.metadata.labels, MANAGED_BY_SELECTOR)).toBe(true);
  });

  it("omits the task and session labels when the run has none", () => {
    const labels = build(runSpec({ taskId: null, sessionKey: null })).job.metadata.labels ?? {};
    expect(labels).not.toHaveProperty("paperclip.io/task-id");
    expect(labels).not.toHaveProperty("paperclip.io/session-id");
  });

  it("sanitizes a task id that is not a valid label value", () => {
    const value = build(runSpec({ taskId: "Fix: the bug/#12 ünïcode" })).job.metadata.labels?.["paperclip.io/task-id"];
    expect(value).toMatch(/^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/);
  });

  it("records the run id and THIS run's file paths in annotations a reattach can read back", () => {
    const spec = runSpec();
    const m = build(spec);
    expect(readRunAnnotations(m.job)).toEqual({
      runId: "run-3",
      stdoutPath: spec.paths.stdout,
      stderrPath: spec.paths.stderr,
      trailerPath: spec.paths.trailer,
      promptPath: spec.paths.prompt,
    });
  });
});

describe("the Job's lifecycle fields", () => {
  it("is created suspended, never retried, never restarted, and collected after the TTL", () => {
    const m = build(runSpec({}, { ttlSecondsAfterFinished: 120 }));
    expect(m.job.spec.suspend).toBe(true);
    expect(m.job.spec.backoffLimit).toBe(0);
    expect(m.job.spec.template.spec.restartPolicy).toBe("Never");
    expect(m.job.spec.ttlSecondsAfterFinished).toBe(120);
    expect(m.job.metadata.namespace).toBe("agents");
  });

  it("has a 3 h deadline by default, so a hung model API cannot hold a pod for ever", () => {
    expect(build(runSpec()).job.spec.activeDeadlineSeconds).toBe(10_800);
  });

  it("turns off service links, so the pod gets no env of the namespace's Services", () => {
    expect(build(runSpec()).job.spec.template.spec.enableServiceLinks).toBe(false);
  });

  it("disables claude's auto-updater and non-essential traffic by default; config env overrides them", () => {
    expect(literal(build(runSpec()), "DISABLE_AUTOUPDATER")).toBe("1");
    expect(literal(build(runSpec()), "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC")).toBe("1");
    const overridden = build(runSpec({}, { env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "0" } }));
    expect(literal(overridden, "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC")).toBe("0");
  });

  it("sets activeDeadlineSeconds from timeoutSec, and no deadline when timeoutSec is 0", () => {
    expect(build(runSpec({}, { timeoutSec: 900 })).job.spec.activeDeadlineSeconds).toBe(900);
    expect(build(runSpec({}, { timeoutSec: 0 })).job.spec).not.toHaveProperty("activeDeadlineSeconds");
  });
});

describe("inheritance from the Paperclip server pod", () => {
  it("takes the server container's image (the one named paperclip), pull secrets and DNS settings", () => {
    const m = build(runSpec());
    const pod = m.job.spec.template.spec;
    expect(main(m).image).toBe("ghcr.io/paperclipai/paperclip:2026.916.1");
    expect(init(m).image).toBe("ghcr.io/paperclipai/paperclip:2026.916.1");
    expect(pod.imagePullSecrets).toEqual([{ name: "ghcr-pull" }]);
    expect(pod.dnsPolicy).toBe("ClusterFirst");
    expect(pod.dnsConfig).toEqual({ options: [{ name: "ndots", value: "2" }] });
  });

  it("lets config override the image and pull policy", () => {
    const m = build(runSpec({}, { image: "registry/claude:1", imagePullPolicy: "Always" }));
    expect(main(m).image).toBe("registry/claude:1");
    expect(main(m).imagePullPolicy).toBe("Always");
    expect(init(m).imagePullPolicy).toBe("Always");
  });

  it("mounts the server's data PVC by subPath only: run directory, read-only prompt, workspace and agent home", () => {
    const m = build(runSpec());
    expect(m.job.spec.template.spec.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "paperclip-data" } },
    ]);
    const run = "instances/default/data/run-logs/company-1/agent-2/run-3";
    const home = "claude-k8s/companies/company-1/agents/agent-2/home";
    expect(main(m).volumeMounts).toEqual([
      { name: "data", subPath: run, mountPath: `/paperclip/${run}`, readOnly: false },
      { name: "data", subPath: `${run}/prompt.md`, mountPath: `/paperclip/${run}/prompt.md`, readOnly: true },
      { name: "data", subPath: "workspaces/agent-2", mountPath: "/paperclip/workspaces/agent-2", readOnly: false },
      { name: "data", subPath: home, mountPath: `/paperclip/${home}`, readOnly: false },
    ]);
    expect(init(m).volumeMounts).toEqual([
      { name: "data", subPath: run, mountPath: `/paperclip/${run}`, readOnly: false },
    ]);
  });

  it("inherits by default only the env Claude needs to reach its model, no envFrom and no secret volume", () => {
    const m = build(runSpec());
    expect(envOf(m).find((e) => e.name === "ANTHROPIC_API_KEY")).toEqual({
      name: "ANTHROPIC_API_KEY",
      valueFrom: { secretKeyRef: { name: "anthropic", key: "api-key" } },
    });
    const names = envOf(m).map((e) => e.name);
    expect(names).not.toContain("NODE_OPTIONS");
    expect(names).not.toContain("POD_IP");
    expect(names).not.toContain("PAPERCLIP_RUNTIME_API_URL");
    expect(main(m).envFrom).toBeUndefined();
    expect(main(m).volumeMounts?.map((v) => v.name)).not.toContain("claude-creds");
  });

  it("inherits the env names, envFrom sources and secret volumes the operator lists", () => {
    const m = build(
      runSpec(
        {},
        {
          inheritEnv: ["NODE_*", "POD_IP"],
          inheritEnvFrom: ["paperclip-extra"],
          inheritSecretVolumes: ["claude-credentials"],
        },
      ),
    );
    expect(literal(m, "NODE_OPTIONS")).toBe("--max-old-space-size=4096");
    expect(envOf(m).find((e) => e.name === "POD_IP")?.valueFrom).toEqual({ fieldRef: { fieldPath: "status.podIP" } });
    expect(main(m).envFrom).toEqual([{ secretRef: { name: "paperclip-extra" } }]);
    expect(m.job.spec.template.spec.volumes?.map((v) => v.name)).toEqual(["data", "claude-creds"]);
    expect(main(m).volumeMounts?.at(-1)).toEqual({ name: "claude-creds", mountPath: "/etc/claude", readOnly: true });
  });

  it("does not pass on the server's own PAPERCLIP_* settings or empty values", () => {
    const names = envOf(build(runSpec())).map((e) => e.name);
    expect(names).not.toContain("PAPERCLIP_AGENT_JWT_SECRET");
    expect(names).not.toContain("EMPTY_ONE");
  });

  it("inherits nodeSelector and tolerations unless config sets them", () => {
    const inherited = build(runSpec()).job.spec.template.spec;
    expect(inherited.nodeSelector).toEqual({ pool: "paperclip" });
    expect(inherited.tolerations).toEqual([
      { key: "dedicated", operator: "Equal", value: "paperclip", effect: "NoSchedule" },
    ]);
    const configured = build(
      runSpec({}, { nodeSelector: { gpu: "yes" }, tolerations: [{ key: "gpu", operator: "Exists" }] }),
    ).job.spec.template.spec;
    expect(configured.nodeSelector).toEqual({ gpu: "yes" });
    expect(configured.tolerations).toEqual([{ key: "gpu", operator: "Exists" }]);
  });

  it("falls back to the first container when none is named paperclip, and continues the server mount's own subPath", () => {
    const spec = runSpec();
    const pod = structuredClone(spec.serverPod);
    pod.spec.containers = [
      {
        name: "server",
        image: "img:1",
        env: [{ name: "PAPERCLIP_API_URL", value: "http://paperclip.svc:3100" }],
        volumeMounts: [{ name: "data", mountPath: "/paperclip/", subPath: "tenant-a" }],
      },
    ];
    const m = build({ ...spec, serverPod: pod });
    expect(main(m).image).toBe("img:1");
    expect(main(m).volumeMounts?.[0]).toEqual({
      name: "data",
      mountPath: "/paperclip/instances/default/data/run-logs/company-1/agent-2/run-3",
      subPath: "tenant-a/instances/default/data/run-logs/company-1/agent-2/run-3",
      readOnly: false,
    });
    expect(main(m).volumeMounts?.every((mount) => mount.subPath?.startsWith("tenant-a/"))).toBe(true);
  });

  it("refuses with a named error when the server pod has no PVC at the data mount path", () => {
    const failure = refuse(
      runSpec(
        {
          workingDirectory: "/data/ws",
          paths: runFilePaths("/data/run-logs", { tenantId: "company-1", agentId: "agent-2", runId: "run-3" }),
        },
        { dataMountPath: "/data" },
      ),
    );
    expect(failure.errorCode).toBe("invalid_config");
    expect(failure.details.field).toBe("dataMountPath");
    expect(failure.errorMessage).toContain("no PersistentVolumeClaim mounted at /data");
  });

  it("refuses when neither config nor the server pod gives an image", () => {
    const spec = runSpec();
    const pod = structuredClone(spec.serverPod);
    for (const c of pod.spec.containers) delete c.image;
    const failure = refuse({ ...spec, serverPod: pod });
    expect(failure.errorCode).toBe("invalid_config");
    expect(failure.details.field).toBe("image");
  });
});

describe("resources, service account and security", () => {
  it("uses config resources and a small fixed budget for the init container", () => {
    const resources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } };
    const m = build(runSpec({}, { resources }));
    expect(main(m).resources).toEqual(resources);
    expect(init(m).resources?.limits).toEqual({ cpu: "100m", memory: "64Mi" });
  });

  it("mounts no API token into the pod unless a service account is configured", () => {
    const plain = build(runSpec()).job.spec.template.spec;
    expect(plain.automountServiceAccountToken).toBe(false);
    expect(plain).not.toHaveProperty("serviceAccountName");
    const withSa = build(runSpec({}, { serviceAccountName: "agent-sa" })).job.spec.template.spec;
    expect(withSa.serviceAccountName).toBe("agent-sa");
    expect(withSa).not.toHaveProperty("automountServiceAccountToken");
  });

  it("runs pod and containers as the configured non-root uid/gid with fsGroup, no capabilities, no escalation", () => {
    const m = build(runSpec({}, { runAsUser: 2000, runAsGroup: 3000, fsGroup: 4000 }));
    expect(m.job.spec.template.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 2000,
      runAsGroup: 3000,
      fsGroup: 4000,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const container of [main(m), init(m)]) {
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 2000,
        runAsGroup: 3000,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  });

  it("defaults to uid, gid and fsGroup 1000", () => {
    expect(build(runSpec()).job.spec.template.spec.securityContext).toMatchObject({
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
    });
  });
});

describe("the run token", () => {
  it("lives only in the per-run Secret and reaches the pod as a secretKeyRef", () => {
    const m = build(runSpec());
    expect(m.secret.metadata.name).toBe(`${m.jobName}-run-secret`);
    expect(m.secret.stringData).toEqual({ PAPERCLIP_API_KEY: RUN_TOKEN });
    expect(envOf(m).filter((e) => e.name === "PAPERCLIP_API_KEY")).toEqual([
      {
        name: "PAPERCLIP_API_KEY",
        valueFrom: { secretKeyRef: { name: m.secret.metadata.name, key: "PAPERCLIP_API_KEY", optional: false } },
      },
    ]);
  });

  it("never appears as a literal anywhere in the serialized Job, whatever the layers carry", () => {
    const m = build(
      runSpec(
        {
          env: { PAPERCLIP_API_KEY: RUN_TOKEN, PAPERCLIP_AGENT_ID: "agent-2" },
        },
        { env: { PAPERCLIP_API_KEY: RUN_TOKEN } },
      ),
    );
    const serialized = JSON.stringify(m.job);
    expect(serialized).not.toContain(RUN_TOKEN);
    expect(serialized).not.toContain("server-own-key-literal");
    expect(JSON.stringify(m.command)).not.toContain(RUN_TOKEN);
  });

  it("is refused when it hides in another variable or argument, instead of leaking into the Job", () => {
    const failure = refuse(runSpec({}, { env: { SNEAKY: `Bearer ${RUN_TOKEN}` } }));
    expect(failure.errorCode).toBe("invalid_run_input");
    expect(failure.errorMessage).toContain("appears as a literal value in the Job");
    expect(refuse(runSpec({}, { extraArgs: [RUN_TOKEN] })).errorCode).toBe("invalid_run_input");
  });

  it("leaves the Secret empty and sets no PAPERCLIP_API_KEY when the run has no token", () => {
    const m = build(runSpec({ apiToken: null }));
    expect(m.secret.stringData).toEqual({});
    expect(envOf(m).map((e) => e.name)).not.toContain("PAPERCLIP_API_KEY");
  });
});

describe("env layering", () => {
  it("bounds claude's API retries by default (CLAUDE_CODE_MAX_RETRIES=2); config.env overrides it", () => {
    expect(literal(build(runSpec()), "CLAUDE_CODE_MAX_RETRIES")).toBe("2");
    expect(literal(build(runSpec({}, { env: { CLAUDE_CODE_MAX_RETRIES: "5" } })), "CLAUDE_CODE_MAX_RETRIES")).toBe("5");
  });

  it("layers server env < the caller's env < config.env, then HOME and the API URL on top", () => {
    const m = build(
      runSpec(
        {
          serverPod: {
            ...runSpec().serverPod,
            spec: {
              ...runSpec().serverPod.spec,
              containers: [
                {
                  name: "paperclip",
                  image: "img",
                  env: [
                    { name: "SHARED", value: "server" },
                    { name: "ONLY_SERVER", value: "server" },
                    { name: "PAPERCLIP_API_URL", value: "http://paperclip.svc:3100" },
                  ],
                  volumeMounts: [{ name: "data", mountPath: "/paperclip" }],
                },
              ],
            },
          },
          env: { SHARED: "caller", FROM_CALLER: "caller", PAPERCLIP_API_URL: "http://localhost:3100" },
        },
        { env: { SHARED: "config", ONLY_CONFIG: "config" }, inheritEnv: ["SHARED", "ONLY_SERVER"] },
      ),
    );
    expect(literal(m, "SHARED")).toBe("config");
    expect(literal(m, "ONLY_SERVER")).toBe("server");
    expect(literal(m, "FROM_CALLER")).toBe("caller");
    expect(literal(m, "ONLY_CONFIG")).toBe("config");
    expect(literal(m, "HOME")).toBe("/paperclip/claude-k8s/companies/company-1/agents/agent-2/home");
    expect(literal(m, "PAPERCLIP_API_URL")).toBe("http://paperclip.svc:3100");
    const names = envOf(m).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each([
    ["HOME", "the agent's own home on the data volume"],
    ["PAPERCLIP_API_URL", "set paperclipApiUrl instead"],
  ])("refuses %s in config.env with a named error saying what to set instead", (name, advice) => {
    const failure = refuse(runSpec({}, { env: { [name]: "/x" } }));
    expect(failure.errorCode).toBe("invalid_config");
    expect(failure.details.field).toBe("env");
    expect(failure.errorMessage).toContain(name);
    expect(failure.errorMessage).toContain(advice);
  });

  it("lets a literal from a higher layer replace an inherited valueFrom of the same name", () => {
    const m = build(runSpec({}, { env: { ANTHROPIC_API_KEY: "from-config" } }));
    expect(envOf(m).filter((e) => e.name === "ANTHROPIC_API_KEY")).toEqual([
      { name: "ANTHROPIC_API_KEY", value: "from-config" },
    ]);
  });

  it("escapes $( and $$ so Kubernetes' variable expansion hands values over literally", () => {
    const m = build(runSpec({}, { env: { RAW: "$(HOME) and $$ and $x" } }));
    expect(literal(m, "RAW")).toBe("$$(HOME) and $$$ and $x");
  });
});

describe("PAPERCLIP_API_URL for the pod", () => {
  const withServerUrl = (value: string | null): JobRunSpec => {
    const spec = runSpec();
    const pod = structuredClone(spec.serverPod);
    const container = pod.spec.containers.find((c) => c.name === "paperclip")!;
    container.env = (container.env ?? []).filter((e) => e.name !== "PAPERCLIP_API_URL");
    if (value !== null) container.env.push({ name: "PAPERCLIP_API_URL", value });
    return { ...spec, serverPod: pod };
  };

  it("prefers config paperclipApiUrl over the server pod's value", () => {
    const spec = withServerUrl("http://paperclip.svc:3100");
    const m = build({ ...spec, config: { ...spec.config, paperclipApiUrl: "https://paperclip.example.com" } });
    expect(literal(m, "PAPERCLIP_API_URL")).toBe("https://paperclip.example.com");
  });

  it.each(["http://localhost:3100", "http://127.0.0.1:3100", "http://[::1]:3100", "http://0.0.0.0:3100"])(
    "refuses the loopback URL %s with a named error",
    (url) => {
      const failure = refuse(withServerUrl(url));
      expect(failure.errorCode).toBe("paperclip_api_url_unreachable");
      expect(failure.errorMessage).toContain(url);
      expect(failure.errorMessage).toContain("paperclipApiUrl");
    },
  );

  it("refuses when no URL is configured or inherited, never falling back to Paperclip's loopback default", () => {
    const failure = refuse(withServerUrl(null));
    expect(failure.errorCode).toBe("paperclip_api_url_unreachable");
    expect(failure.errorMessage).toContain("is not set");
  });

  it("allows loopback, and Paperclip's own value, for the local runtime", () => {
    const m = build({ ...withServerUrl(null), allowLoopbackApiUrl: true });
    expect(literal(m, "PAPERCLIP_API_URL")).toBe("http://localhost:3100");
  });

  it("gives no PAPERCLIP_API_URL, and refuses nothing, to a caller whose agent never calls back and names no URL", () => {
    const m = build({ ...withServerUrl(null), requiresApiUrl: false });
    expect(envOf(m).some((e) => e.name === "PAPERCLIP_API_URL")).toBe(false);
  });

  it("still checks a URL that such a caller does give: loopback is refused in a cluster", () => {
    const failure = refuse({ ...withServerUrl("http://127.0.0.1:3100"), requiresApiUrl: false });
    expect(failure.errorCode).toBe("paperclip_api_url_unreachable");
    const m = build({ ...withServerUrl("http://paperclip.svc:3100"), requiresApiUrl: false });
    expect(literal(m, "PAPERCLIP_API_URL")).toBe("http://paperclip.svc:3100");
  });
});

describe("the containers", () => {
  it("runs the main container first and the run script as ONE sh -c argument in the working directory", () => {
    const m = build(runSpec());
    expect(main(m).name).toBe(MAIN_CONTAINER_NAME);
    expect(main(m).command?.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(main(m).command).toHaveLength(3);
    expect(main(m).args).toBeUndefined();
    expect(main(m).workingDir).toBe("/paperclip/workspaces/agent-2");
    expect(main(m).terminationMessagePolicy).toBe("FallbackToLogsOnError");
  });

  it("has the init container check this run's directory is writable, creating nothing", () => {
    const m = build(runSpec());
    expect(init(m).name).toBe(INIT_CONTAINER_NAME);
    expect(init(m).command?.[2]).toContain("dir='/paperclip/instances/default/data/run-logs/company-1/agent-2/run-3'");
    expect(init(m).command?.[2]).toContain('[ ! -w "$dir" ]');
    expect(init(m).command?.[2]).not.toContain("mkdir");
  });

  it("lists the directories the server must create before the Job: the read-write mounts' sources", () => {
    expect(build(runSpec()).directories).toEqual([
      "/paperclip/instances/default/data/run-logs/company-1/agent-2/run-3",
      "/paperclip/workspaces/agent-2",
      "/paperclip/claude-k8s/companies/company-1/agents/agent-2/home",
    ]);
  });

  it("makes kubectl logs default to the claude container", () => {
    const annotations = build(runSpec()).job.spec.template.metadata?.annotations;
    expect(annotations?.["kubectl.kubernetes.io/default-container"]).toBe("claude");
  });

  it("points the script at this run's files and feeds the prompt file on stdin", () => {
    const spec = runSpec();
    const script = main(build(spec)).command?.[2] ?? "";
    expect(script).toContain(`out='${spec.paths.stdout}'`);
    expect(script).toContain(`err='${spec.paths.stderr}'`);
    expect(script).toContain(`trailer='${spec.paths.trailer}'`);
    expect(script).toContain(`prompt='${spec.paths.prompt}'`);
    expect(script).toContain('>>"$out" 2>>"$err" <"$prompt"');
    expect(script).not.toMatch(/pipefail|\btee\b|\| *'?claude/);
  });

  it("returns claude's argv for onMeta, matching what the script runs", () => {
    const m = build(runSpec({}, { model: "claude-sonnet-4-6" }));
    expect(m.command).toEqual([
      "claude",
      "--print",
      "--output-format",
      "stream-json",
      "--verbose",
      "--model",
      "claude-sonnet-4-6",
      "--dangerously-skip-permissions",
    ]);
    expect(main(m).command?.[2]).toContain(m.command.map((a) => `'${a}'`).join(" "));
  });
});

describe("refused run input", () => {
  it.each([
    ["companyId", { tenantId: "../etc" }, "Invalid companyId for log path: ../etc"],
    ["agentId", { agentId: "agent/2" }, "Invalid agentId for log path: agent/2"],
    ["runId", { runId: "run 3" }, "Invalid runId for log path: run 3"],
  ])("an unsafe %s is refused with the path helper's exact message", (_field, override, message) => {
    const failure = refuse(runSpec(override));
    expect(failure.errorCode).toBe("invalid_run_input");
    expect(failure.details.reason).toBe(message);
    expect(failure.errorMessage).toContain(message);
  });

  it("refuses a relative working directory", () => {
    expect(refuse(runSpec({ workingDirectory: "workspace" })).errorCode).toBe("working_directory_refused");
  });

  it("refuses a NUL byte in an argument, which would silently cut it short", () => {
    const failure = refuse(runSpec({}, { extraArgs: ["--x", "a\u0000b"] }));
    expect(failure.errorCode).toBe("invalid_run_input");
    expect(failure.details.field).toBe("extraArgs");
  });
});
