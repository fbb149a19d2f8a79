/**
 * A run's world with the REAL Claude Code CLI in its pods: the run harness (loopback apiserver,
 * real client-node, real dash run script, real processes) with the pinned `claude` binary first on
 * the pods' PATH, and the Anthropic API double as its model. Credentials reach the pod the way an
 * operator sets them up in a cluster: the Paperclip server pod's env references a Secret
 * (`valueFrom.secretKeyRef`), and the run pod inherits the reference, never a literal. Pods run as
 * the spec's uid (1000) when the tests run as root, as in a cluster, so claude accepts
 * --dangerously-skip-permissions without IS_SANDBOX.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { AdapterConfig } from "../../../src/domain/config/config-fields.js";
import type { AgentRunRequest } from "../../../src/domain/run/agent-run-request.js";
import type { EnvVar } from "../../../src/ports/kubernetes-objects.js";
import { realClaudeBinDirectory } from "../../../src/real-claude/real-claude-location.js";
import { AnthropicApiDouble } from "../../support/anthropic-api-double/index.js";
import { NAMESPACE, NOTHING_LEFT, RunHarness, type Leftovers } from "../../support/run-harness/run-harness.js";

export const CREDENTIALS_SECRET = "anthropic-credentials";
export const API_KEY = "sk-ant-api03-double-only";
export const OAUTH_TOKEN = "sk-ant-oat01-double-only";

/** How the agent authenticates: an API key, or a subscription's OAuth token. */
export type Credentials = "api-key" | "oauth";

/** What a real-CLI run leaves when all is well: only the operator's credentials Secret. */
export const ONLY_CREDENTIALS_LEFT: Leftovers = { ...NOTHING_LEFT, secrets: [CREDENTIALS_SECRET] };

export class RealCliWorld {
  private constructor(
    readonly harness: RunHarness,
    readonly model: AnthropicApiDouble,
  ) {}

  static async start(credentials: Credentials = "api-key"): Promise<RealCliWorld> {
    const claudeBinDirectory = realClaudeBinDirectory();
    if (claudeBinDirectory === null) {
      throw new Error("The real Claude Code CLI is not installed: run `npm ci` (it is pinned in devDependencies).");
    }
    const model = await AnthropicApiDouble.start();
    const [variable, key, value] =
      credentials === "oauth"
        ? ["CLAUDE_CODE_OAUTH_TOKEN", "oauth-token", OAUTH_TOKEN]
        : ["ANTHROPIC_API_KEY", "api-key", API_KEY];
    const serverEnv: EnvVar[] = [
      { name: "ANTHROPIC_BASE_URL", value: model.url },
      { name: variable, valueFrom: { secretKeyRef: { name: CREDENTIALS_SECRET, key } } },
      { name: "DISABLE_AUTOUPDATER", value: "1" },
      { name: "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", value: "1" },
    ];
    const harness = await RunHarness.start({ claudeBinDirectory, serverEnv });
    harness.api.store.create("secrets", NAMESPACE, {
      metadata: { name: CREDENTIALS_SECRET, namespace: NAMESPACE },
      data: { [key]: Buffer.from(value).toString("base64") },
    });
    return new RealCliWorld(harness, model);
  }

  /** A run request for the real CLI, with the agent's config on top. */
  request(overrides: Partial<AgentRunRequest> = {}, config: Partial<AdapterConfig> = {}): AgentRunRequest {
    return this.harness.request(overrides, config);
  }

  /** Asserts the model was called and every call (in the range) carried exactly `prompt`, nothing around it. */
  expectModelGotExactly(prompt: string, calls: { from?: number; to?: number } = {}): void {
    const prompts = this.model.prompts().slice(calls.from ?? 0, calls.to);
    expect(prompts.length).toBeGreaterThan(0);
    for (const received of prompts) expect(received).toEqual([prompt]);
  }

  /** Where claude stored session `sessionId` in the agent's home (`~/.claude/projects/<cwd>/<id>.jsonl`). */
  async sessionFiles(sessionId: string): Promise<string[]> {
    const entries = await readdir(this.harness.dataDirectory, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && entry.name === `${sessionId}.jsonl`)
      .map((entry) => join(entry.parentPath, entry.name));
  }

  async close(): Promise<void> {
    await this.harness.close();
    await this.model.close();
  }
}
