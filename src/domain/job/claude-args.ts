/**
 * claude's argv for one run, in a fixed order: the stream-json print mode, the session to resume
 * (or the server-chosen id of a fresh one),
 * model and effort, the turn limit, the system-prompt file (fresh sessions only: a resumed session
 * already has it), extra directories, the permission flag, then the operator's extra arguments.
 * The prompt is never an argument: it arrives on stdin from a file. `--print` takes no `-`: claude
 * reads a positional `-` as prompt text and appends stdin to it, so the model would see "-\n" first.
 */
import type { AdapterConfig } from "../config/config-fields.js";

export const CLAUDE_EXECUTABLE = "claude";

export interface ClaudeInvocation {
  readonly resumeSessionId: string | null;
  /** The id a fresh session starts with (`--session-id`); ignored when resuming. */
  readonly freshSessionId: string | null;
  readonly appendSystemPromptFile: string | null;
  readonly addDirs: readonly string[];
}

type ClaudeConfig = Pick<
  AdapterConfig,
  "command" | "model" | "effort" | "maxTurnsPerRun" | "dangerouslySkipPermissions" | "extraArgs"
>;

/** The full argv, starting with the executable. */
export function buildClaudeArgv(config: ClaudeConfig, invocation: ClaudeInvocation): string[] {
  const argv = [config.command || CLAUDE_EXECUTABLE, "--print", "--output-format", "stream-json", "--verbose"];
  if (invocation.resumeSessionId) argv.push("--resume", invocation.resumeSessionId);
  else if (invocation.freshSessionId) argv.push("--session-id", invocation.freshSessionId);
  if (config.model) argv.push("--model", config.model);
  if (config.effort) argv.push("--effort", config.effort);
  if (config.maxTurnsPerRun > 0) argv.push("--max-turns", String(config.maxTurnsPerRun));
  if (invocation.appendSystemPromptFile && !invocation.resumeSessionId) {
    argv.push("--append-system-prompt-file", invocation.appendSystemPromptFile);
  }
  for (const dir of invocation.addDirs) argv.push("--add-dir", dir);
  if (config.dangerouslySkipPermissions) argv.push("--dangerously-skip-permissions");
  else argv.push("--permission-mode", "default");
  argv.push(...config.extraArgs);
  return argv;
}
