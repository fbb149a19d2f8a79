/** How a LocalKubernetesRuntime is set up: its data directory, sandboxes, server env and clock. */
import type { ClockPort } from "../../ports/clock-port.js";
import type { LogPort } from "../../ports/log-port.js";

export interface LocalKubernetesRuntimeOptions {
  /** Absolute local directory that is the data volume; config dataMountPath must equal it. */
  readonly dataDirectory: string;
  /** Directories put first on every container's PATH (e.g. the Claude stand-in's bin). */
  readonly pathPrepend?: readonly string[];
  /** Namespace this "cluster" reports as current. Default "local". */
  readonly namespace?: string;
  /** Where pod sandboxes go. Default: a fresh temp directory, removed by shutdown(). */
  readonly sandboxRoot?: string;
  /** PVC claim name meaning the data volume. Default "paperclip-data". */
  readonly dataClaimName?: string;
  /** Literal env of the synthetic server pod, inherited by Jobs (e.g. PAPERCLIP_API_URL). */
  readonly serverEnv?: Readonly<Record<string, string>>;
  /**
   * Secret env of the synthetic server pod (Claude's credentials): held in a Secret the pod
   * references, so Jobs inherit the reference as they would from an operator's server pod, never
   * a literal.
   */
  readonly serverSecretEnv?: Readonly<Record<string, string>>;
  /** SIGTERM → SIGKILL grace on delete and deadline; default the pod's terminationGracePeriodSeconds. */
  readonly killGraceMs?: number;
  /** Time for activeDeadlineSeconds and ttlSecondsAfterFinished. Default: the system clock. */
  readonly clock?: ClockPort;
  /** PATH containers start from (before pathPrepend). Default: this process's PATH. */
  readonly basePath?: string;
  /** Retry interval of a pod waiting for a missing Secret. Default 1000 ms. */
  readonly retryMs?: number;
  /** Further host directories every pod sees read-only (see LocalPodRunnerOptions). */
  readonly programDirectories?: readonly string[];
  /** Pods as plain processes, without the bubblewrap sandbox (see LocalPodRunnerOptions). */
  readonly unsandboxed?: boolean;
  /**
   * Where Jobs, Secrets and pods (with their processes) are kept on disk, so that a server that
   * dies leaves them to the next runtime on this directory. Default `<dataDirectory>/.local-runtime`.
   */
  readonly stateDirectory?: string;
  /** The server's log: hears which Jobs and pods this runtime took over from a server that died. */
  readonly log?: LogPort;
}
