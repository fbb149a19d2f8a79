/**
 * The POSIX sh scripts a run pod executes (dash-safe: no pipefail, no arrays, no `[[`).
 *
 * Main container: claude writes stdout and stderr straight into files on the shared volume (never
 * into a pipe: a piped claude can lose everything after the first 64 KiB), reads the prompt from a
 * file on stdin, and its exit status is taken from `wait`. While it runs, a mirror loop copies
 * whatever is new in both files to the container's stdout and stderr (kubectl logs -f), reading
 * through one open file descriptor per file so each byte is copied exactly once; after claude
 * exits the script copies the rest, writes the end-of-stream trailer atomically (temp file +
 * rename) and exits with claude's code. SIGTERM/INT/HUP are passed on to claude so a deleted pod
 * still ends with a trailer.
 *
 * Every interpolated value goes through `quoteShellArg`. The template itself uses neither `$(`
 * nor `$$`, which Kubernetes would rewrite before sh sees them (command substitution uses
 * backquotes instead).
 */
import { quoteShellArg, quoteShellWords } from "./shell-quote.js";

export interface RunScriptFiles {
  readonly stdout: string;
  readonly stderr: string;
  readonly trailer: string;
  readonly prompt: string;
}

/** Exit codes of the script itself when claude never ran (sysexits.h meanings). */
export const RUN_SCRIPT_EXIT = {
  /** The prompt file is missing or unreadable; recorded in the trailer and the stderr file. */
  promptMissing: 66,
  /** The log files could not be created; there is no trailer. */
  cannotCreateLogs: 73,
} as const;

/** The trailer is written to this sibling first and renamed, so a reader never sees half of it. */
export const TRAILER_TEMPORARY_SUFFIX = ".tmp";

/** Seconds between two mirror passes; fractional where `sleep` allows it, else 1 s. */
const MIRROR_INTERVAL = "0.5";

export function buildRunScript(argv: readonly string[], files: RunScriptFiles): string {
  return `# claude-k8s run script: POSIX sh, claude's output goes straight to files on the shared volume.
out=${quoteShellArg(files.stdout)}
err=${quoteShellArg(files.stderr)}
trailer=${quoteShellArg(files.trailer)}
prompt=${quoteShellArg(files.prompt)}

say() { printf 'claude-k8s run script: %s\\n' "$1" >&2; }
size_of() { set -- \`wc -c < "$1" 2>/dev/null\`; printf '%s' "\${1:-0}"; }

if ! true >"$out" || ! true >"$err"; then
  say "cannot create $out or $err as uid \`id -u\`; check the run log directory on the shared volume is writable"
  exit ${RUN_SCRIPT_EXIT.cannotCreateLogs}
fi
# One read descriptor per file, shared with the mirror: every cat continues where the last stopped.
exec 3<"$out" 4<"$err"

mirror() {
  mirror_stop=0
  nap=
  # The pause runs in the background so a stop request ends it at once instead of after it.
  trap 'mirror_stop=1; if [ -n "$nap" ]; then kill "$nap" 2>/dev/null; fi' USR1 TERM INT HUP
  interval=${MIRROR_INTERVAL}
  sleep 0.01 2>/dev/null || interval=1
  while [ "$mirror_stop" = 0 ]; do
    cat <&3
    cat <&4 >&2
    sleep "$interval" &
    nap=$!
    wait "$nap"
    nap=
  done
}
mirror &
mirror_pid=$!

claude_pid=
stop_requested=0
forward_stop() {
  stop_requested=1
  if [ -n "$claude_pid" ]; then kill -TERM "$claude_pid" 2>/dev/null; fi
}
trap forward_stop TERM INT HUP

if [ -r "$prompt" ]; then
  ${quoteShellWords(argv)} >>"$out" 2>>"$err" <"$prompt" 3<&- 4<&- &
  claude_pid=$!
  if [ "$stop_requested" = 1 ]; then kill -TERM "$claude_pid" 2>/dev/null; fi
  wait "$claude_pid"
  code=$?
  # A trapped signal interrupts wait; wait again until claude itself has exited.
  while kill -0 "$claude_pid" 2>/dev/null; do
    wait "$claude_pid"
    code=$?
  done
else
  printf 'claude-k8s run script: prompt file %s is missing or unreadable by uid %s\\n' "$prompt" "\`id -u\`" >>"$err"
  code=${RUN_SCRIPT_EXIT.promptMissing}
fi
out_bytes=\`size_of "$out"\`
err_bytes=\`size_of "$err"\`

kill -USR1 "$mirror_pid" 2>/dev/null
wait "$mirror_pid"
while kill -0 "$mirror_pid" 2>/dev/null; do wait "$mirror_pid"; done
cat <&3
cat <&4 >&2
exec 3<&- 4<&-

if printf '{"version":1,"exitCode":%s,"stdoutBytes":%s,"stderrBytes":%s}\\n' "$code" "$out_bytes" "$err_bytes" >"$trailer${TRAILER_TEMPORARY_SUFFIX}" &&
  mv -f "$trailer${TRAILER_TEMPORARY_SUFFIX}" "$trailer"; then
  :
else
  say "could not write the trailer $trailer"
  rm -f "$trailer${TRAILER_TEMPORARY_SUFFIX}"
fi
exit "$code"
`;
}

/**
 * The init container's script: the run's directory (created by the server, mounted alone) is
 * there and writable by the pod's uid before claude starts, or the pod fails with a message naming
 * the uid and gid, which the start diagnosis reports.
 */
export function buildInitScript(runDirectory: string): string {
  return `dir=${quoteShellArg(runDirectory)}
if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
  printf 'claude-k8s init: run directory %s is missing or not writable by uid %s gid %s\\n' "$dir" "\`id -u\`" "\`id -g\`" >&2
  exit 1
fi
`;
}
