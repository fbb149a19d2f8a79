/**
 * Last-resort cleanup for embedders and tests that never call `shutdown()`: when this Node process
 * exits normally, every registered cleanup runs (synchronously — nothing async runs at exit). One
 * process-wide listener, however many runtimes exist. It cannot help on SIGKILL of this process.
 */
const cleanups = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // Best effort: one failing cleanup must not stop the others at exit.
    }
  }
}

/** Registers `cleanup` to run at process exit; call the returned function to unregister it. */
export function atProcessExit(cleanup: () => void): () => void {
  if (!installed) {
    process.on("exit", runAll);
    installed = true;
  }
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}
