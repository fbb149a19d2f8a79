import { describe, expect, it } from "vitest";
import {
  buildContainerEnvironment,
  type EnvironmentInputs,
} from "../../../src/adapters/local-runtime/container-environment.js";
import { MountTable } from "../../../src/adapters/local-runtime/mount-table.js";
import type { Container, Secret } from "../../../src/ports/kubernetes-objects.js";

const secret: Secret = { metadata: { name: "run" }, stringData: { "api-key": "tok", "bad key": "x", OTHER: "o" } };
const mounts = new MountTable([{ volumeName: "prompt", mountPath: "/tmp/prompt", localPath: "/sb/prompt" }]);
const inputs = (container: Partial<Container>, extra: Partial<EnvironmentInputs> = {}): EnvironmentInputs => ({
  pod: { metadata: { name: "p", namespace: "ns", labels: { team: "a" } }, spec: { containers: [] } },
  container: { name: "c", ...container },
  secretLookup: (name) => (name === "run" ? secret : undefined),
  baseEnv: { PATH: "/usr/bin", HOME: "/sb/home" },
  pathPrepend: ["/stand-in/bin"],
  mounts,
  nodeName: "local",
  ...extra,
});

describe("container environment, built as the kubelet builds it", () => {
  it("layers base env, envFrom, then env in order; PATH is the server's own with pathPrepend first", () => {
    const result = buildContainerEnvironment(
      inputs({
        envFrom: [{ secretRef: { name: "run" }, prefix: "S_" }],
        env: [
          { name: "PATH", value: "/opt/bin:$(PATH)" },
          { name: "PROMPT", value: "/tmp/prompt/p.md" },
          { name: "KEY", valueFrom: { secretKeyRef: { name: "run", key: "api-key" } } },
          { name: "TEAM", valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        ],
      }),
    );
    expect(result).toEqual({
      ok: true,
      env: {
        PATH: "/stand-in/bin:/usr/bin",
        HOME: "/sb/home",
        "S_api-key": "tok",
        S_OTHER: "o",
        PROMPT: "/sb/prompt/p.md",
        KEY: "tok",
        TEAM: "a",
      },
    });
  });

  it("reports a missing Secret or key as the kubelet's CreateContainerConfigError message", () => {
    const missingSecret = buildContainerEnvironment(
      inputs({ env: [{ name: "K", valueFrom: { secretKeyRef: { name: "nope", key: "k" } } }] }),
    );
    expect(missingSecret).toEqual({ ok: false, message: 'secret "nope" not found' });
    const missingKey = buildContainerEnvironment(
      inputs({ env: [{ name: "K", valueFrom: { secretKeyRef: { name: "run", key: "k" } } }] }),
    );
    expect(missingKey).toEqual({ ok: false, message: "couldn't find key k in Secret ns/run" });
  });

  it("skips optional references that cannot be resolved", () => {
    const result = buildContainerEnvironment(
      inputs({
        env: [
          { name: "K", valueFrom: { secretKeyRef: { name: "nope", key: "k", optional: true } } },
          { name: "C", valueFrom: { configMapKeyRef: { name: "cm", key: "k", optional: true } } },
        ],
      }),
    );
    expect(result.ok && Object.keys(result.env).sort()).toEqual(["HOME", "PATH"]);
  });

  it("never rewrites values that come from a Secret", () => {
    const withPath: Secret = { metadata: { name: "run" }, stringData: { p: "/tmp/prompt/x" } };
    const result = buildContainerEnvironment(
      inputs(
        { env: [{ name: "P", valueFrom: { secretKeyRef: { name: "run", key: "p" } } }] },
        { secretLookup: () => withPath },
      ),
    );
    expect(result.ok && result.env.P).toBe("/tmp/prompt/x");
  });

  it("attack: a Job's PATH (per-agent env.PATH) cannot choose which server binaries the local runtime runs", () => {
    const result = buildContainerEnvironment(inputs({ env: [{ name: "PATH", value: "/srv/attacker/bin" }] }));
    expect(result.ok && result.env.PATH).toBe("/stand-in/bin:/usr/bin");
  });
});
