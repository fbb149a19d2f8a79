/**
 * This machine as the local runtime's only node: the pod runner, made on the first pod with a
 * fresh sandbox root unless one was given, and the last-resort cleanup when the process exits
 * without `shutdown()` — every pod's processes SIGKILLed and every sandbox removed, synchronously
 * (nothing async runs at exit). Kept apart from the API surface, which never touches a process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { atProcessExit } from "./exit-cleanup.js";
import type { LocalClusterStore } from "./local-cluster-store.js";
import { LocalPodRunner } from "./local-pod-runner.js";
import type { LocalKubernetesRuntimeOptions } from "./local-runtime-options.js";
import type { DataVolumeRule } from "./mount-table.js";
import type { RuntimeStateDirectory } from "./runtime-state-directory.js";

export class LocalPodHost {
  private runner: LocalPodRunner | undefined;
  private createdSandboxRoot: string | undefined;
  private forgetExitCleanup: (() => void) | undefined;

  constructor(
    private readonly options: LocalKubernetesRuntimeOptions,
    private readonly rule: DataVolumeRule,
    private readonly store: LocalClusterStore,
    private readonly state: RuntimeStateDirectory,
  ) {}

  podRunner(): LocalPodRunner {
    if (this.runner) return this.runner;
    let sandboxRoot = this.options.sandboxRoot;
    if (sandboxRoot === undefined) {
      sandboxRoot = mkdtempSync(`${tmpdir()}/claude-k8s-local-`);
      this.createdSandboxRoot = sandboxRoot;
    }
    this.forgetExitCleanup = atProcessExit(() => this.killEverythingNow());
    const { pathPrepend, basePath, killGraceMs, retryMs, programDirectories, unsandboxed } = this.options;
    this.runner = new LocalPodRunner({
      sandboxRoot,
      dataDirectory: this.rule.dataDirectory,
      dataClaimName: this.rule.dataClaimName,
      ...(pathPrepend ? { pathPrepend } : {}),
      ...(basePath !== undefined ? { basePath } : {}),
      ...(killGraceMs !== undefined ? { killGraceMs } : {}),
      ...(retryMs !== undefined ? { retryMs } : {}),
      ...(programDirectories ? { programDirectories } : {}),
      ...(unsandboxed === true ? { unsandboxed: true } : {}),
    });
    return this.runner;
  }

  /** An orderly shutdown has begun: the process's exit no longer needs to clean up after us. */
  stopExitCleanup(): void {
    this.forgetExitCleanup?.();
  }

  /** After an orderly shutdown (every pod stopped): the sandbox root we made is removed. */
  async removeSandboxRoot(): Promise<void> {
    if (this.createdSandboxRoot) await rm(this.createdSandboxRoot, { recursive: true, force: true });
  }

  /** At process exit without shutdown(): SIGKILL every pod's processes and remove our sandboxes. */
  private killEverythingNow(): void {
    for (const [, runtime] of this.store.podEntries()) {
      runtime.running?.kill("SIGKILL");
      const sandbox = runtime.running?.sandboxDirectory ?? runtime.recovered?.sandboxDirectory;
      if (sandbox) rmSync(sandbox, { recursive: true, force: true });
    }
    if (this.createdSandboxRoot) rmSync(this.createdSandboxRoot, { recursive: true, force: true });
    this.state.remove();
  }
}
