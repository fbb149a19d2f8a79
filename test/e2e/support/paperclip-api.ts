/**
 * A small typed client for the Paperclip REST endpoints the e2e tests use. In `local_trusted`
 * mode on loopback no auth is needed. Every non-2xx answer throws a PaperclipApiError naming the
 * call, except where the status itself is what a test checks (cancelRun).
 */
import type { AdapterConfigSchema, AdapterEnvironmentTestResult, AdapterModel } from "@paperclipai/adapter-utils";
import { setTimeout as sleep } from "node:timers/promises";

export type RunStatus =
  "queued" | "scheduled_retry" | "running" | "succeeded" | "interrupted" | "failed" | "cancelled" | "timed_out";
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "failed",
  "cancelled",
  "timed_out",
  "interrupted",
];

export interface InstalledAdapter {
  readonly type: string;
  readonly packageName: string;
  readonly version: string;
}
export interface Company {
  readonly id: string;
  readonly name: string;
}
export interface Agent {
  readonly id: string;
  readonly companyId: string;
  readonly adapterType: string;
  readonly status: string;
}
export interface HeartbeatRun {
  readonly id: string;
  readonly agentId: string;
  readonly status: RunStatus;
  readonly exitCode: number | null;
  readonly error: string | null;
  readonly errorCode?: string | null;
  readonly usageJson: Record<string, unknown> | null;
  readonly resultJson: Record<string, unknown> | null;
  readonly sessionIdBefore?: string | null;
  readonly sessionIdAfter?: string | null;
  readonly [field: string]: unknown;
}
/** One `onLog` chunk as Paperclip stores it (a line of the run's ndjson log). */
export interface RunLogChunk {
  readonly ts: string;
  readonly stream: "stdout" | "stderr" | "system" | string;
  readonly chunk: string;
  readonly seq?: number;
}

/** What Paperclip stores per (agent, task) between wakes: the adapter's session params. */
export interface TaskSession {
  readonly taskKey: string;
  readonly sessionParamsJson: Record<string, unknown> | null;
  readonly sessionDisplayId: string | null;
  readonly lastRunId: string | null;
}

export class PaperclipApiError extends Error {
  constructor(
    readonly call: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`Paperclip API ${call} answered ${status}: ${body.slice(0, 500)}`);
  }
}

/** The log endpoint pages by bytes (max 1 MiB); see readRunLog. */
const LOG_PAGE_BYTES = 1024 * 1024;

export class PaperclipApi {
  constructor(readonly apiUrl: string) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; data: T }> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new PaperclipApiError(`${method} ${path}`, response.status, text);
    return { status: response.status, data: (text === "" ? null : JSON.parse(text)) as T };
  }

  async health(): Promise<{ status: string; version: string }> {
    return (await this.request<{ status: string; version: string }>("GET", "/health")).data;
  }

  async installAdapterFromPath(absolutePath: string): Promise<InstalledAdapter> {
    const body = { packageName: absolutePath, isLocalPath: true };
    return (await this.request<InstalledAdapter>("POST", "/adapters/install", body)).data;
  }

  /** The README's install form: Paperclip runs `npm install <packageName>@<version>` in its adapter-plugins dir. */
  async installAdapterPackage(packageName: string, version: string): Promise<InstalledAdapter> {
    return (await this.request<InstalledAdapter>("POST", "/adapters/install", { packageName, version })).data;
  }

  async createCompany(name: string): Promise<Company> {
    return (await this.request<Company>("POST", "/companies", { name })).data;
  }

  async createAgent(
    companyId: string,
    agent: { name: string; role?: string; adapterType: string; adapterConfig: Record<string, unknown> },
  ): Promise<Agent> {
    const body = { role: "engineer", ...agent };
    return (await this.request<Agent>("POST", `/companies/${companyId}/agents`, body)).data;
  }

  /**
   * Queues a run of the agent now; the answer is the queued run. With a `taskKey` the wake belongs to
   * that task, as an issue's wakes do: Paperclip keeps session params per task.
   */
  async wakeAgent(agentId: string, taskKey?: string): Promise<HeartbeatRun> {
    const body = { source: "on_demand", triggerDetail: "manual", ...(taskKey ? { payload: { taskKey } } : {}) };
    return (await this.request<HeartbeatRun>("POST", `/agents/${agentId}/wakeup`, body)).data;
  }

  async listTaskSessions(agentId: string): Promise<TaskSession[]> {
    return (await this.request<TaskSession[]>("GET", `/agents/${agentId}/task-sessions`)).data;
  }

  async getRun(runId: string): Promise<HeartbeatRun> {
    return (await this.request<HeartbeatRun>("GET", `/heartbeat-runs/${runId}`)).data;
  }

  async waitForRun(
    runId: string,
    until: (run: HeartbeatRun) => boolean = (run) => TERMINAL_RUN_STATUSES.includes(run.status),
    timeoutMs = 60_000,
  ): Promise<HeartbeatRun> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.getRun(runId);
      if (until(run)) return run;
      if (Date.now() > deadline) {
        throw new Error(`run ${runId} did not reach the awaited state within ${timeoutMs} ms (status ${run.status})`);
      }
      await sleep(250);
    }
  }

  /**
   * Every chunk of the run's ndjson log, in order. Pages are cut at byte offsets (1 MiB at most),
   * which can split a line or a UTF-8 character, and one line can be larger than a page. So each
   * page is consumed only up to a point that is surely a character boundary (its last newline, or
   * else before any trailing replacement characters), the next page starts at exactly that byte,
   * and an unfinished line is carried over.
   */
  async readRunLog(runId: string): Promise<RunLogChunk[]> {
    const chunks: RunLogChunk[] = [];
    let offset = 0;
    let pending = "";
    for (;;) {
      const query = `?offset=${offset}&limitBytes=${LOG_PAGE_BYTES}`;
      const page = (
        await this.request<{ content: string; nextOffset?: number | null }>(
          "GET",
          `/heartbeat-runs/${runId}/log${query}`,
        )
      ).data;
      const content = page.content ?? "";
      const more = page.nextOffset !== undefined && page.nextOffset !== null;
      let consumed = content;
      if (more) {
        const lastNewline = content.lastIndexOf("\n");
        consumed = lastNewline >= 0 ? content.slice(0, lastNewline + 1) : content.replace(/\uFFFD+$/u, "");
        if (consumed === "") throw new Error(`run ${runId}: log page at byte ${offset} made no progress`);
      }
      offset += Buffer.byteLength(consumed, "utf8");
      const lines = (pending + consumed).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") chunks.push(JSON.parse(line) as RunLogChunk);
      if (!more) {
        if (pending.trim() !== "") chunks.push(JSON.parse(pending) as RunLogChunk);
        return chunks;
      }
    }
  }

  async getConfigSchema(adapterType: string): Promise<AdapterConfigSchema> {
    return (await this.request<AdapterConfigSchema>("GET", `/adapters/${adapterType}/config-schema`)).data;
  }

  async listModels(companyId: string, adapterType: string): Promise<AdapterModel[]> {
    return (await this.request<AdapterModel[]>("GET", `/companies/${companyId}/adapters/${adapterType}/models`)).data;
  }

  /** The adapter's ui-parser as the browser fetches it (JavaScript source). */
  async getUiParserSource(adapterType: string): Promise<string> {
    const path = `/adapters/${adapterType}/ui-parser.js`;
    const response = await fetch(`${this.apiUrl}${path}`);
    const text = await response.text();
    if (!response.ok) throw new PaperclipApiError(`GET ${path}`, response.status, text);
    return text;
  }

  /** The cancel call's own status is part of the contract (200 = acknowledged), so it is returned, not thrown. */
  async cancelRun(runId: string): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.apiUrl}/heartbeat-runs/${runId}/cancel`, { method: "POST" });
    return { status: response.status, body: await response.text() };
  }

  async testEnvironment(
    companyId: string,
    adapterType: string,
    adapterConfig: Record<string, unknown>,
  ): Promise<AdapterEnvironmentTestResult> {
    const path = `/companies/${companyId}/adapters/${adapterType}/test-environment`;
    return (await this.request<AdapterEnvironmentTestResult>("POST", path, { adapterConfig })).data;
  }
}
