import { defineConfig } from "vitest/config";

/** The real Claude Code CLI suite: its own CI stage (`npm run test:real-cli`), one file at a time. */
export default defineConfig({
  test: {
    include: ["test/real-cli/**/*.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 30_000,
    pool: "forks",
    fileParallelism: false,
  },
});
