import { defineConfig } from "vitest/config";

// The chaos bench: `npx vitest run --config test/bench/chaos/vitest.chaos.config.ts` (see README.md here).
export default defineConfig({
  test: {
    include: ["test/bench/chaos/**/*.test.ts"],
    testTimeout: 120_000,
    pool: "forks",
  },
});
