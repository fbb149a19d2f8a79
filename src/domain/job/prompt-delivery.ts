/**
 * Delivers a run's prompt to its pod as a file on the shared volume, written by the server before
 * the Job exists; the pod's script feeds it to claude on stdin. No env var (128 KiB cap per value),
 * no argv, no Secret (1 MiB cap): any size up to the configured limit works, and a larger prompt is
 * refused before anything is written or created.
 */
import { FileSystemError, type FileSystemPort } from "../../ports/file-system-port.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import type { RunFilePaths } from "../run-log-paths.js";

/**
 * Owner read/write, group read, nothing for others. The pod reads it either as the same uid (the
 * Paperclip image's user and the run pod's default are both 1000) or through its fsGroup, which
 * owns files on a volume Kubernetes manages the group of; other users of the volume cannot.
 */
export const PROMPT_FILE_MODE = 0o640;

const encoder = new TextEncoder();

export class PromptDelivery {
  constructor(private readonly fs: FileSystemPort) {}

  async write(paths: RunFilePaths, prompt: string, maxPromptBytes: number): Promise<Result<{ bytes: number }>> {
    const bytes = encoder.encode(prompt);
    if (bytes.length > maxPromptBytes) {
      return fail(runFailure("prompt_too_large", { bytes: bytes.length, limit: maxPromptBytes }));
    }
    try {
      await this.fs.makeDirectory(paths.directory);
      await this.fs.writeFileAtomic(paths.prompt, bytes, PROMPT_FILE_MODE);
    } catch (error) {
      const detail =
        error instanceof FileSystemError
          ? `${error.code}: ${error.message}`
          : ((error as Error)?.message ?? String(error));
      return fail(runFailure("prompt_write_failed", { path: paths.prompt, detail }));
    }
    return ok({ bytes: bytes.length });
  }
}
