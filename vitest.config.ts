import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // e2e suites boot a real Paperclip server: `npm run test:e2e` runs them (test/e2e/vitest.e2e.config.ts).
    exclude: ["test/bench/**", "test/e2e/**", "node_modules/**"],
    testTimeout: 30_000,
    pool: "forks",
  },
});
