/**
 * The Paperclip web UI pages the browser suite uses, driven the way a user drives them: by the
 * labels and buttons on screen. Every wait is bounded so a changed page fails with a named step.
 */
import type { Locator, Page } from "playwright-core";

/** Generous: the UI is a large bundle and CI machines are small and shared. */
const STEP_TIMEOUT_MS = 60_000;
const RUN_URL = /\/runs\/([0-9a-f-]{36})(?:[/?#]|$)/;

export interface UiAgentSettings {
  readonly dataMountPath: string;
  readonly paperclipApiUrl: string;
  readonly env: Readonly<Record<string, string>>;
}

export class PaperclipUi {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
    /** The company's URL prefix (its issue prefix, e.g. "BRO"). */
    readonly companyPrefix: string,
  ) {}

  private async open(path: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/${this.companyPrefix}${path}`, { waitUntil: "domcontentloaded" });
  }

  /** A form control by the text of the label beside it (the host's adapter fields have no `for`). */
  field(label: string): Locator {
    return this.page.locator(`xpath=//label[normalize-space()="${label}"]/../following-sibling::*[1]`);
  }

  /** The New agent form: name, adapter, then "Finish setup" with whatever the form offers. */
  async createAgent(name: string, adapterLabel: string): Promise<void> {
    await this.open("/agents/new");
    await this.page.getByLabel("Agent name").fill(name, { timeout: STEP_TIMEOUT_MS });
    await this.page.getByRole("button", { name: "Choose adapter" }).click();
    await this.page.getByText(adapterLabel, { exact: true }).click();
    await this.page.getByRole("button", { name: "Configure agent" }).click();
    await this.page.getByRole("button", { name: "Finish setup" }).click({ timeout: STEP_TIMEOUT_MS });
    await this.page.getByText("Your agent is ready").waitFor({ timeout: STEP_TIMEOUT_MS });
  }

  /** The agent's Harness / Runtime page: local runtime, data volume, API URL and env, then Save. */
  async configureLocalRuntime(agentUrlKey: string, settings: UiAgentSettings): Promise<void> {
    await this.open(`/agents/${agentUrlKey}/configuration`);
    // The form renders before the agent's config arrives and re-renders then: wait for a loaded value.
    await this.field("Data mount path")
      .and(this.page.locator('[value]:not([value=""])'))
      .waitFor({ timeout: STEP_TIMEOUT_MS });
    await this.choose(this.field("Runtime"), "local");
    await this.field("Data mount path").fill(settings.dataMountPath);
    await this.field("Paperclip API URL for pods").fill(settings.paperclipApiUrl);
    const envSection = this.page.locator('[data-config-section="environment-variables"]');
    for (const [key, value] of Object.entries(settings.env)) {
      await envSection.getByRole("button", { name: "Add variable" }).click();
      await envSection.getByLabel("Variable name").last().fill(key);
      await envSection.getByLabel("Variable value").last().fill(value);
    }
    const saved = this.page.waitForResponse(
      (response) => response.url().includes("/api/agents/") && response.request().method() !== "GET",
      { timeout: STEP_TIMEOUT_MS },
    );
    await this.page.getByRole("button", { name: "Save changes" }).click();
    const response = await saved;
    if (!response.ok()) throw new Error(`saving the agent answered ${response.status()}: ${await response.text()}`);
  }

  /** Opens a popover select and picks `option`, reopening it if a re-render closed it. */
  private async choose(trigger: Locator, option: string): Promise<void> {
    const item = this.page.locator('[data-slot="popover-content"]').getByRole("button", { name: option, exact: true });
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      await trigger.click({ timeout: STEP_TIMEOUT_MS });
      try {
        await item.click({ timeout: 5_000 });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
    }
  }

  /** "Run now" on the agent's page; the UI moves to the new run's page. Returns the run id. */
  async runNow(agentUrlKey: string): Promise<string> {
    await this.open(`/agents/${agentUrlKey}`);
    await this.page.getByRole("button", { name: "Run now" }).click({ timeout: STEP_TIMEOUT_MS });
    await this.page.waitForURL(RUN_URL, { timeout: STEP_TIMEOUT_MS });
    return RUN_URL.exec(this.page.url())?.[1] ?? "";
  }

  async openRun(agentUrlKey: string, runId: string): Promise<void> {
    await this.open(`/agents/${agentUrlKey}/runs/${runId}`);
    await this.transcriptHeading().waitFor({ timeout: STEP_TIMEOUT_MS });
  }

  /** The run's status as its header shows it (the word beside "Trace off/on"). */
  runStatus(): Locator {
    return this.page.locator(`xpath=//span[following-sibling::span[1][starts-with(normalize-space(), "Trace ")]]`);
  }

  /** The value under a run metric's label: "Input", "Output", "Cached", "Cost". */
  metric(label: string): Locator {
    return this.page.locator(`xpath=//div[normalize-space()="${label}"]/following-sibling::div[1]`);
  }

  /** The "Transcript (n)" heading of the run page, shown once the run's log has loaded. */
  transcriptHeading(): Locator {
    return this.page.getByText(/^Transcript \(\d+\)$/);
  }

  /** The page's main content as text (the run page's transcript included). */
  async mainText(): Promise<string> {
    return this.page.locator("main").innerText();
  }
}
