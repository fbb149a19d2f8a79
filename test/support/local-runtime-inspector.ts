/**
 * Looks at a local runtime from outside, as an operator on the machine could: its state directory
 * (each pod with its sandbox and its containers' process groups, each Secret it stored; see
 * runtime-state-directory.ts) and the pods' log files. Tests observe the runtime through its port
 * and this, so the runtime carries no methods that exist only for them.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { PodRecord } from "../../src/adapters/local-runtime/runtime-state-directory.js";
import type { Secret } from "../../src/ports/kubernetes-objects.js";
import { LOCAL_RUNTIME_STATE_NAME } from "../../src/domain/volume-layout.js";

export class LocalRuntimeInspector {
  /** `stateRoot`: the runtime's stateDirectory option (default `<dataDirectory>/.local-runtime`). */
  constructor(private readonly stateRoot: string) {}

  static ofDataDirectory(dataDirectory: string): LocalRuntimeInspector {
    return new LocalRuntimeInspector(`${dataDirectory}/${LOCAL_RUNTIME_STATE_NAME}`);
  }

  /** The process groups the pod's containers ran in (one per started container); none once it is deleted. */
  processGroupsOf(namespace: string, podName: string): number[] {
    const record = this.podRecord(namespace, podName);
    return Object.values(record?.processes ?? {}).map((process) => process.group.pid);
  }

  /** The pod's sandbox on this machine (volumes, logs); undefined once the pod is deleted. */
  sandboxDirectoryOf(namespace: string, podName: string): string | undefined {
    return this.podRecord(namespace, podName)?.sandboxDirectory || undefined;
  }

  /** A container's stdout+stderr ("kubectl logs", the first container by default); empty once the pod is deleted. */
  async podLogs(namespace: string, podName: string, containerName?: string): Promise<string> {
    const record = this.podRecord(namespace, podName);
    const container = containerName ?? record?.pod.spec.containers[0]?.name;
    if (!record?.sandboxDirectory || container === undefined) return "";
    return readFile(`${record.sandboxDirectory}/logs/${container}.log`, "utf8").catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
      throw error;
    });
  }

  /** Names of the Secrets the runtime stored in the namespace (those it keeps in memory only are not on disk). */
  secretNames(namespace: string): string[] {
    return this.records<Secret>("secrets")
      .filter((secret) => secret.metadata.namespace === namespace)
      .map((secret) => secret.metadata.name ?? "");
  }

  private podRecord(namespace: string, podName: string): PodRecord | undefined {
    return this.records<PodRecord>("pods").find(
      (record) => record.pod.metadata.namespace === namespace && record.pod.metadata.name === podName,
    );
  }

  /** Every record of `kind` in the state of every runtime on this root. */
  private records<T>(kind: "pods" | "secrets"): T[] {
    if (!existsSync(this.stateRoot)) return [];
    return readdirSync(this.stateRoot)
      .filter((entry) => entry.startsWith("runtime-"))
      .flatMap((runtime) => {
        const directory = `${this.stateRoot}/${runtime}/${kind}`;
        const files = existsSync(directory) ? readdirSync(directory).filter((file) => file.endsWith(".json")) : [];
        return files.flatMap((file) => {
          try {
            return [JSON.parse(readFileSync(`${directory}/${file}`, "utf8")) as T];
          } catch {
            return []; // Removed or being replaced while we looked.
          }
        });
      });
  }
}
