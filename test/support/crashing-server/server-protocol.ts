/** What the test sends a crashing server process (in its env) and what the process reports back (IPC). */
import type { AgentRunRequest, RunReport } from "../../../src/domain/run/agent-run-request.js";

/** Where a server process SIGKILLs itself (see crash-points.ts). */
export const CRASH_POINTS = [
  "before-create",
  "create-to-secret",
  "secret-to-resume",
  "pod-start",
  "mid-stream",
  "after-trailer",
  "during-cleanup",
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export type ServerRuntime =
  | {
      readonly kind: "local";
      readonly dataDirectory: string;
      readonly pathPrepend: readonly string[];
      readonly programDirectories: readonly string[];
      readonly killGraceMs: number;
      /** The synthetic server pod's env that run pods inherit (PAPERCLIP_API_URL). */
      readonly serverEnv: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: "loopback";
      /** The loopback apiserver's kubeconfig (YAML). */
      readonly kubeconfig: string;
      readonly namespace: string;
      readonly ownPodName: string;
    };

export interface ServerSetup {
  readonly runtime: ServerRuntime;
  readonly request: AgentRunRequest;
  /** Undefined: run to the end, report what the runtime still holds, then wait to be killed. */
  readonly crashAt?: CrashPoint;
  /** The server's reconciler (the Paperclip server runs one), with a grace short enough for a trial. */
  readonly reconciler?: { readonly graceMs: number; readonly periodMs: number };
}

export const SERVER_SETUP_ENV = "CLAUDE_K8S_CRASHING_SERVER_SETUP";

/** What the local runtime still holds once the run returned (the server's own view). */
export interface RuntimeHoldings {
  readonly jobs: string[];
  readonly secrets: string[];
  readonly pods: string[];
}

export type FromServer =
  | { readonly kind: "log"; readonly stream: "stdout" | "stderr"; readonly chunk: string }
  | { readonly kind: "status"; readonly line: string }
  | { readonly kind: "done"; readonly report: RunReport; readonly holdings: RuntimeHoldings | null };
