// The real-Paperclip e2e suite: slow (installs and boots a server), so it is separate from `npm test`.
// Run: npx vitest run --config test/e2e/vitest.e2e.config.ts
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The suites plus the harness's own unit tests (test/e2e/support/*.test.ts).
    include: ["test/e2e/**/*.test.ts"],
    // The browser suite has its own config and CI stage (test/e2e/browser/vitest.browser.config.ts).
    exclude: ["test/e2e/browser/**", "node_modules/**"],
    testTimeout: 180_000,
    // The first run installs paperclipai (~1.5 GB) into the cache.
    hookTimeout: 20 * 60_000,
    pool: "forks",
    // One server at a time: the machine is small and each suite boots its own Paperclip.
    fileParallelism: false,
    // The suites only run under this config (see support/e2e-enabled.ts).
    env: { CLAUDE_K8S_E2E: "1" },
  },
});
