/**
 * Delivers a run's prompt to its pod as a file on the shared volume, written by the server before
 * the Job exists; the pod's script feeds it to claude on stdin. No env var (128 KiB cap per value),
 * no argv, no Secret (1 MiB cap): any size up to the configured limit works, and a larger prompt is
 * refused before anything is written or created.
 */
import { FileSystemError, type FileSystemPort } from "../../ports/file-system-port.js";
import { fail, ok, runFailure, type Result } from "../errors.js";
import { fileSystemRefusal } from "../file-system-failure.js";
import type { RunFilePaths } from "../run-log-paths.js";
import { DIRECTORY_MODE } from "./data-mounts.js";

/**
 * Owner read/write, group read, nothing for others. The pod reads it either as the same uid (the
 * Paperclip image's user and the run pod's default are both 1000) or through its fsGroup, which
 * owns files on a volume Kubernetes manages the group of; other users of the volume cannot. The pod
 * cannot change it whatever its uid: the file is mounted read-only over its run directory.
 */
export const PROMPT_FILE_MODE = 0o640;

const encoder = new TextEncoder();

/** The prompt's size as UTF-8 (lone surrogates count as U+FFFD, as TextEncoder writes them), without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The one prompt-size rule: its UTF-8 size, or `prompt_too_large` when over the limit. */
export function checkPromptSize(prompt: string, maxPromptBytes: number): Result<number> {
  const bytes = utf8ByteLength(prompt);
  return bytes > maxPromptBytes ? fail(runFailure("prompt_too_large", { bytes, limit: maxPromptBytes })) : ok(bytes);
}

export class PromptDelivery {
  constructor(private readonly fs: FileSystemPort) {}

  /**
   * Creates the sources of the pod's read-write mounts before the Job exists (a subPath the kubelet
   * has to create would belong to root). A directory this call creates gets `DIRECTORY_MODE`. Each
   * is walked from the claim root without following a symlink, so nothing a pod planted in a
   * directory it can write redirects the server.
   */
  async prepareDirectories(directories: readonly string[], dataMountPath: string): Promise<Result<null>> {
    for (const directory of directories) {
      try {
        await this.fs.makeDirectory(directory, DIRECTORY_MODE, { under: dataMountPath });
      } catch (error) {
        const refusal = fileSystemRefusal(error, "preparing the run's directories");
        if (refusal !== null) return fail(refusal);
        return fail(
          runFailure("run_directories_failed", { what: "the directory", path: directory, detail: describe(error) }),
        );
      }
    }
    return ok(null);
  }

  async write(paths: RunFilePaths, prompt: string, maxPromptBytes: number): Promise<Result<{ bytes: number }>> {
    const size = checkPromptSize(prompt, maxPromptBytes);
    if (!size.ok) return size;
    const bytes = encoder.encode(prompt);
    // Confined to the run-log root: a symlinked directory below it is refused, never written through.
    const scope = { under: paths.root };
    try {
      await this.fs.makeDirectory(paths.directory, DIRECTORY_MODE, scope);
      await this.fs.writeFileAtomic(paths.prompt, bytes, PROMPT_FILE_MODE, scope);
    } catch (error) {
      const refusal = fileSystemRefusal(error, "the prompt write");
      if (refusal !== null) return fail(refusal);
      return fail(runFailure("prompt_write_failed", { path: paths.prompt, detail: describe(error) }));
    }
    return ok({ bytes: bytes.length });
  }
}

function describe(error: unknown): string {
  return error instanceof FileSystemError
    ? `${error.code}: ${error.message}`
    : ((error as Error)?.message ?? String(error));
}
