// The browser e2e: the real Paperclip UI in Debian's Chromium (see run-page.browser.test.ts).
// Separate from the API e2e so a failure is attributable. Run it under the e2e lock:
//   flock /tmp/claude-k8s-e2e.lock npm run test:e2e:browser
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/browser/**/*.test.ts"],
    testTimeout: 180_000,
    // The first run installs paperclipai (~1.5 GB) into the cache.
    hookTimeout: 20 * 60_000,
    pool: "forks",
    fileParallelism: false,
    env: { CLAUDE_K8S_E2E: "1" },
  },
});
