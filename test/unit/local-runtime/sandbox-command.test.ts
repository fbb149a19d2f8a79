import { describe, expect, it } from "vitest";
import type { Pod } from "../../../src/ports/kubernetes-objects.js";
import {
  podIdentity,
  sandboxedArgv,
  signalOfSandboxExit,
} from "../../../src/adapters/local-runtime/sandbox-command.js";

const pod = (securityContext: NonNullable<Pod["spec"]["securityContext"]>): Pod => ({
  metadata: { name: "p" },
  spec: { securityContext, containers: [{ name: "c" }] },
});

describe("podIdentity", () => {
  it("takes the container's runAsUser/runAsGroup over the pod's, with fsGroup then supplementalGroups as groups", () => {
    const spec = pod({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3000, 2000] });
    expect(podIdentity(spec, { name: "c", securityContext: { runAsUser: 1001 } })).toEqual({
      uid: 1001,
      gid: 1000,
      groups: [2000, 3000],
    });
  });

  it("uses uid 0 when nothing sets a user, and the uid as gid when no runAsGroup is set", () => {
    expect(podIdentity(pod({}), { name: "c" })).toEqual({ uid: 0, gid: 0, groups: [] });
    expect(podIdentity(pod({ runAsUser: 1234 }), { name: "c" })).toEqual({ uid: 1234, gid: 1234, groups: [] });
  });
});

describe("sandboxedArgv", () => {
  const argv = sandboxedArgv(
    {
      system: [
        { kind: "directory", path: "/usr" },
        { kind: "symlink", path: "/bin", target: "usr/bin" },
        { kind: "directory", path: "/etc/passwd" },
      ],
      binds: [
        { source: "/data/runs/r1", target: "/data/runs/r1", readOnly: false },
        { source: "/data", target: "/data", readOnly: true },
        { source: "/opt/node", target: "/opt/node", readOnly: true, optional: true },
      ],
      cwd: "/data/runs/r1",
      hostname: "pod-1",
      identity: { uid: 1000, gid: 1000, groups: [1000, 2000] },
    },
    ["sh", "-c", "echo hi"],
  );
  const joined = argv.join(" ");

  it("binds parents before children, read-only where asked, optional program directories only if present", () => {
    expect(joined).toContain("--ro-bind /data /data");
    expect(joined).toContain("--bind /data/runs/r1 /data/runs/r1");
    expect(joined.indexOf("--ro-bind /data /data")).toBeLessThan(joined.indexOf("--bind /data/runs/r1"));
    expect(joined).toContain("--ro-bind-try /opt/node /opt/node");
  });

  it("gives the pod a private /proc, /dev and world-writable /tmp, and makes the directories above its mounts traversable", () => {
    expect(joined).toContain("--proc /proc --dev /dev --perms 1777 --tmpfs /tmp");
    expect(joined).toContain("--perms 0755 --dir /etc");
    expect(joined).toContain("--perms 0755 --dir /opt");
    expect(joined).not.toContain("--dir /data/runs");
    expect(joined).toContain("--symlink usr/bin /bin");
  });

  it("runs the command in its own PID, IPC and UTS namespaces, outliving the runtime (exit status to fd 3), as the pod's user without capabilities", () => {
    expect(argv).toEqual(expect.arrayContaining(["--unshare-pid", "--unshare-ipc", "--unshare-uts"]));
    expect(argv).not.toContain("--die-with-parent");
    expect(joined).toContain("--json-status-fd 3");
    expect(joined).toContain("--hostname pod-1");
    expect(joined).toContain("--chdir /data/runs/r1");
    expect(joined).toContain(
      "/usr/bin/setpriv --reuid=1000 --regid=1000 --groups=2000 --inh-caps=-all --bounding-set=-all --no-new-privs -- sh -c echo hi",
    );
    expect(argv.slice(-3)).toEqual(["sh", "-c", "echo hi"]);
  });

  it("switches no identity when the server is not root", () => {
    const plain = sandboxedArgv({ system: [], binds: [], cwd: "/", hostname: "p", identity: undefined }, ["true"]);
    expect(plain.join(" ")).not.toContain("setpriv");
    expect(plain.at(-1)).toBe("true");
  });
});

describe("signalOfSandboxExit", () => {
  it("reads 128 + n as signal n, and nothing else", () => {
    expect(signalOfSandboxExit(137)).toBe(9);
    expect(signalOfSandboxExit(143)).toBe(15);
    expect(signalOfSandboxExit(1)).toBeUndefined();
    expect(signalOfSandboxExit(128)).toBeUndefined();
  });
});
