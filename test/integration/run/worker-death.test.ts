/**
 * The loopback cluster's pods run as processes of the test worker's kubelet. A cluster's pods
 * outlive their server; these must not outlive the worker: a worker killed by a timeout or a crash
 * would otherwise leave claude stand-ins running on the machine.
 */
import { fork, type ChildProcess } from "node:child_process";
import { rm, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { bundleNodeScript } from "../../support/bundle-node-script.js";
import { eventually } from "../../support/eventually.js";
import { processesNaming } from "../../support/run-harness/live-processes.js";

const bundle = fileURLToPath(new URL(`../../../.cache/harness-worker/worker-${process.pid}.mjs`, import.meta.url));
let root: string | undefined;
let worker: ChildProcess | undefined;
afterEach(() => {
  worker?.kill("SIGKILL");
  rmSync(bundle, { force: true });
  if (root) rm(root, { recursive: true, force: true }, () => undefined);
});

it("a loopback pod dies with the test worker that started it: SIGKILL the worker, no pod process is left", async () => {
  await bundleNodeScript(new URL("./fixtures/harness-worker.ts", import.meta.url), bundle);
  const child = fork(bundle, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  worker = child;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const started = await new Promise<{ root: string; dataDirectory: string }>((resolve) =>
    child.once("message", (message) => resolve(message as { root: string; dataDirectory: string })),
  );
  root = started.root;
  expect(processesNaming(started.dataDirectory).length).toBeGreaterThan(0);

  child.kill("SIGKILL");
  await exited;

  await eventually("the pod's processes gone", () => processesNaming(started.dataDirectory).length === 0, 5_000);
});
