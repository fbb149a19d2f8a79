/**
 * Looks for the pod's end-of-stream trailer. The pod writes it atomically (temp file + rename),
 * so a reader sees all of it or none of it; anything else is reported as malformed, not guessed at.
 */
import { FileSystemError, type FileSystemPort, type PathScope } from "../../ports/file-system-port.js";
import type { RunFailure } from "../errors.js";
import { fileSystemRefusal } from "../file-system-failure.js";
import { describeTrailerProblem, parseRunTrailer, TRAILER_MAX_BYTES, type RunTrailer } from "../run-trailer.js";

export type TrailerLookup =
  | { readonly kind: "absent" }
  | { readonly kind: "found"; readonly trailer: RunTrailer }
  /** Present but not a well-formed trailer; `detail` describes it (never quotes the pod's bytes). */
  | { readonly kind: "malformed"; readonly detail: string }
  /** Could not be read just now (ESTALE, EIO, ...); worth looking again. */
  | { readonly kind: "unreadable"; readonly detail: string }
  /** Not a regular file with one link, under a redirected directory, or stuck: the run must end. */
  | { readonly kind: "refused"; readonly failure: RunFailure };

export async function lookUpTrailer(
  fileSystem: FileSystemPort,
  path: string,
  scope?: PathScope,
): Promise<TrailerLookup> {
  let bytes: Uint8Array;
  try {
    bytes = await fileSystem.readSmallFile(path, TRAILER_MAX_BYTES, scope);
  } catch (error) {
    if (error instanceof FileSystemError && error.code === "ENOENT") return { kind: "absent" };
    const refusal = fileSystemRefusal(error, "read");
    if (refusal !== null) return { kind: "refused", failure: refusal };
    const detail = error instanceof FileSystemError ? `${error.code}: ${error.message}` : String(error);
    return { kind: "unreadable", detail };
  }
  const text = new TextDecoder().decode(bytes);
  const trailer = parseRunTrailer(text);
  if (trailer !== null) return { kind: "found", trailer };
  return { kind: "malformed", detail: describeTrailerProblem(text, bytes.length) };
}
