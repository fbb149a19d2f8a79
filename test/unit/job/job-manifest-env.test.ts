/** The run pod's env: the run token only through its Secret, the env layers, and the API URL. */
import { describe, expect, it } from "vitest";
import type { JobRunSpec } from "../../../src/domain/job/job-manifest-factory.js";
import { RUN_TOKEN, runSpec } from "./manifest-fixtures.js";
import { build, envOf, literal, refuse } from "./manifest-readers.js";

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
