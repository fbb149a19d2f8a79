import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // The README's embedding example imports the package by name; tests run it against the sources.
    alias: { "paperclip-adapter-claude-k8s/core": fileURLToPath(new URL("./src/core.ts", import.meta.url)) },
  },
  test: {
    include: ["test/**/*.test.ts"],
    // e2e suites boot a real Paperclip server: `npm run test:e2e` runs them (test/e2e/vitest.e2e.config.ts);
    // the real Claude Code CLI suite is its own CI stage: `npm run test:real-cli`.
    exclude: ["test/bench/**", "test/e2e/**", "test/real-cli/**", "node_modules/**"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
