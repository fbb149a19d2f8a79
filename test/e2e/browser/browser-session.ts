/**
 * Debian's Chromium (installed by .ci/run with apt, never downloaded) driven by playwright-core,
 * plus the two things the run-page suite does inside it: run a Worker from source text on the
 * Paperclip origin, and serve the host's UI with its parser Worker fixed.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import type { TranscriptEntry } from "@paperclipai/adapter-utils";
import { withGetterOnlyAssignmentsFixed } from "./host-parser-worker.js";

export const CHROMIUM_PATH = process.env.CLAUDE_K8S_CHROMIUM ?? "/usr/bin/chromium";
/** Kept by CI as artifacts (the repo's .cache/ is where .ci/run writes its reports). */
export const SCREENSHOT_DIR = resolve(import.meta.dirname, "../../..", ".cache", "e2e-screenshots");

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true });
}

/** Starts the screenshot directory empty, so what CI keeps is this run's pages only. */
export function clearScreenshots(): void {
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
}

/**
 * The run page in two shots: its top (status, metrics, error) and its transcript. The page scrolls
 * inside its own panes, so a full-page shot would stop at the viewport.
 */
export async function screenshotRunPage(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  await page
    .getByText(/^Transcript \(\d+\)$/)
    .evaluate((heading) => (heading as unknown as InPageElement).scrollIntoView({ block: "start" }));
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-transcript.png`) });
}

/** What became of a Worker given an init message: its `ready`/`error` answer, or the error that killed it. */
export type WorkerInit = { readonly answer: "ready" | "error"; readonly message?: string } | { readonly died: string };

export interface WorkerRun {
  readonly init: WorkerInit;
  /** One parse answer per line, in order (empty when init failed). */
  readonly entries: TranscriptEntry[][];
}

/** The browser globals the in-page code below uses (the project's tsconfig has no DOM lib). */
interface InPageWorker {
  onmessage: ((event: { data: { type: string; message?: string; entries?: unknown[] } }) => void) | null;
  onerror: ((event: { message: string; preventDefault(): void }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
interface InPageElement {
  scrollIntoView(options: { block: "start" }): void;
}
interface InPageGlobals {
  Worker: new (url: string) => InPageWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
}

/**
 * Starts `workerSource` as the host does (a Blob Worker on the page's origin), sends the host's
 * init message with `parserSource`, then one parse message per line, and collects the answers.
 */
export async function runParserWorker(
  page: Page,
  workerSource: string,
  parserSource: string,
  lines: readonly string[],
  ts = "2026-01-01T00:00:00.000Z",
): Promise<WorkerRun> {
  return page.evaluate(
    async (input) => {
      const browser = globalThis as unknown as InPageGlobals;
      const url = browser.URL.createObjectURL(
        new browser.Blob([input.workerSource], { type: "application/javascript" }),
      );
      const worker = new browser.Worker(url);
      browser.URL.revokeObjectURL(url);
      const next = () =>
        new Promise<{ data?: { type: string; message?: string; entries?: unknown[] }; died?: string }>((done) => {
          const timer = setTimeout(() => done({ died: "no answer within 5 s" }), 5000);
          worker.onmessage = (event) => (clearTimeout(timer), done({ data: event.data }));
          worker.onerror = (event) => (clearTimeout(timer), event.preventDefault(), done({ died: event.message }));
        });
      try {
        const pendingInit = next();
        worker.postMessage({ type: "init", source: input.parserSource });
        const first = await pendingInit;
        if (first.died !== undefined) return { init: { died: first.died }, entries: [] };
        const answer = first.data?.type === "ready" ? "ready" : "error";
        const init = { answer, message: first.data?.message } as const;
        if (answer !== "ready") return { init, entries: [] };
        const entries: unknown[][] = [];
        for (const [id, line] of input.lines.entries()) {
          const pending = next();
          worker.postMessage({ type: "parse", id: id + 1, line, ts: input.ts });
          const reply = await pending;
          entries.push(reply.data?.entries ?? [`no parse answer: ${reply.died ?? "?"}`]);
        }
        return { init, entries };
      } finally {
        worker.terminate();
      }
    },
    { workerSource, parserSource, lines: [...lines], ts },
  ) as Promise<WorkerRun>;
}

/**
 * Makes `page` load the host's UI with its parser Worker fixed (see host-parser-worker.ts): every
 * UI script passes through unchanged except the one holding the Worker source.
 */
export async function serveUiWithWorkerFixed(page: Page, workerAssetName: string): Promise<void> {
  await page.route(`**/assets/${workerAssetName}`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: withGetterOnlyAssignmentsFixed(await response.text()) });
  });
}
