/**
 * Writes the agent's instructions file and its Paperclip skills as a content-addressed bundle in its
 * company's area on the shared volume (`claude-k8s/companies/<companyId>/bundles/<key>`), mounted
 * read-only into the run pod at the same path (`--append-system-prompt-file` on fresh sessions,
 * `--add-dir` for the skills). Same company and content → same directory.
 *
 * Before each use the server re-computes the bundle's content hash and compares it with the digest
 * it recorded when it wrote the bundle (`<key>.sha256` beside it, in a directory no pod mounts); a
 * bundle that is missing, incomplete or changed is rewritten into a fresh directory and swapped in.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { AdapterExecutionContext } from "@paperclipai/adapter-utils";
import {
  isPaperclipSkillSourceMissing,
  materializePaperclipSkillCopy,
  readPaperclipRuntimeSkillEntries,
  resolveLegacyPaperclipDesiredSkillNames,
  type PaperclipSkillEntry,
} from "@paperclipai/adapter-utils/server-utils";
import type { AdapterConfig } from "../domain/config/config-fields.js";
import { agentAreas } from "../domain/volume-layout.js";
import { RunFailureError } from "../domain/errors.js";
import type { BundlePaths } from "./build-run-request.js";
import { bundleDigest } from "./bundle-digest.js";
import { managedInstructionsRoot, readManagedInstructions } from "./managed-instructions.js";

const INSTRUCTIONS_FILE = "agent-instructions.md";

export class PromptBundles {
  constructor(
    private readonly moduleDir: string,
    private readonly warn: (ctx: AdapterExecutionContext, line: string) => Promise<void>,
    /** The Paperclip server's instance root (from the server's environment); null refuses every instructions file. */
    private readonly instanceRoot: string | null = null,
  ) {}

  async prepare(ctx: AdapterExecutionContext, config: AdapterConfig): Promise<BundlePaths> {
    const instructions = await this.readInstructions(ctx, config);
    const skills = await this.selectSkills(ctx);
    if (instructions === null && skills.length === 0) return { appendSystemPromptFile: null, addDirs: [] };

    const areas = agentAreasOf(config, ctx);
    if (areas === null) return { appendSystemPromptFile: null, addDirs: [] }; // the domain refuses the ids
    const key = bundleKey(instructions, skills);
    // Per company: a bundle is never shared with another company's pods, even for equal content.
    const root = join(areas.companyBundles, key);
    await this.oneAtATime(root, () => this.verifyOrRewrite(root, instructions, skills, ctx));
    return {
      appendSystemPromptFile: instructions === null ? null : join(root, INSTRUCTIONS_FILE),
      addDirs: skills.length > 0 ? [root] : [],
    };
  }

  /** Only from the agent's managed instructions directory; a refusal ends the run as invalid_config. */
  private async readInstructions(ctx: AdapterExecutionContext, config: AdapterConfig): Promise<string | null> {
    if (!config.instructionsFilePath) return null;
    const root =
      this.instanceRoot === null
        ? null
        : managedInstructionsRoot(this.instanceRoot, { companyId: ctx.agent.companyId, agentId: ctx.agent.id });
    const read = await readManagedInstructions(config.instructionsFilePath, root);
    if (!read.ok) throw new RunFailureError(read.failure);
    if (read.value === null) {
      await this.warn(ctx, `instructions file ${config.instructionsFilePath} does not exist; continuing without it`);
    }
    return read.value;
  }

  private async selectSkills(ctx: AdapterExecutionContext): Promise<PaperclipSkillEntry[]> {
    const entries = await readPaperclipRuntimeSkillEntries(ctx.config, this.moduleDir).catch(() => []);
    // Like Paperclip's own Claude adapter: the operational skill (how an agent calls Paperclip) stays mounted.
    const desired = new Set(resolveLegacyPaperclipDesiredSkillNames(ctx.config, entries));
    const chosen = entries.filter((entry) => desired.has(entry.key));
    const missing = chosen.filter(isPaperclipSkillSourceMissing);
    for (const entry of missing) await this.warn(ctx, `skill ${entry.key} has no files on the server; skipped`);
    return chosen.filter((entry) => !isPaperclipSkillSourceMissing(entry));
  }

  /** Serializes work on one bundle in this process, so two runs never swap it at once. */
  private readonly busy = new Map<string, Promise<void>>();

  private async oneAtATime(root: string, work: () => Promise<void>): Promise<void> {
    const previous = this.busy.get(root) ?? Promise.resolve();
    const current = previous.then(work, work);
    this.busy.set(root, current);
    try {
      await current;
    } finally {
      if (this.busy.get(root) === current) this.busy.delete(root);
    }
  }

  private async verifyOrRewrite(
    root: string,
    instructions: string | null,
    skills: PaperclipSkillEntry[],
    ctx: AdapterExecutionContext,
  ): Promise<void> {
    const digestFile = `${root}.sha256`;
    const recorded = await readFile(digestFile, "utf8").then(
      (text) => text.trim(),
      () => null,
    );
    if (recorded !== null && (await bundleDigest(root)) === recorded) return;
    if (recorded !== null) {
      await this.warn(
        ctx,
        `bundle ${basename(root)} no longer matches the digest recorded when it was written; rewriting it`,
      );
    }
    const parent = dirname(root);
    const fresh = join(parent, `.${basename(root)}.tmp-${randomUUID()}`);
    const stale = join(parent, `.${basename(root)}.stale-${randomUUID()}`);
    await mkdir(parent, { recursive: true, mode: 0o750 });
    try {
      await this.write(fresh, instructions, skills, ctx);
      const digest = await bundleDigest(fresh);
      if (digest === null) throw new Error(`bundle ${basename(root)} is too large to verify`);
      const hadOld = await rename(root, stale).then(
        () => true,
        () => false,
      );
      await rename(fresh, root);
      if (hadOld) await rm(stale, { recursive: true, force: true });
      const temporary = `${digestFile}.tmp-${randomUUID()}`;
      await writeFile(temporary, `${digest}\n`, { mode: 0o640 });
      await rename(temporary, digestFile);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  }

  private async write(
    root: string,
    instructions: string | null,
    skills: PaperclipSkillEntry[],
    ctx: AdapterExecutionContext,
  ) {
    await mkdir(join(root, ".claude", "skills"), { recursive: true, mode: 0o750 });
    if (instructions !== null) await writeFile(join(root, INSTRUCTIONS_FILE), instructions, { mode: 0o640 });
    for (const skill of skills) {
      try {
        await materializePaperclipSkillCopy(skill.source, join(root, ".claude", "skills", skill.runtimeName));
      } catch (error) {
        await this.warn(ctx, `skill ${skill.key} not bundled: ${(error as Error).message}`);
      }
    }
  }
}

function agentAreasOf(config: AdapterConfig, ctx: AdapterExecutionContext) {
  try {
    return agentAreas(config.dataMountPath, { tenantId: ctx.agent.companyId, agentId: ctx.agent.id });
  } catch {
    return null;
  }
}

function bundleKey(instructions: string | null, skills: PaperclipSkillEntry[]): string {
  const hash = createHash("sha256")
    .update("claude-k8s-bundle:v1\0")
    .update(instructions ?? "");
  for (const skill of skills) hash.update(`\0${skill.key}\0${skill.runtimeName}\0${skill.versionId ?? skill.source}`);
  return hash.digest("hex").slice(0, 32);
}
