/**
 * The e2e suites boot a real Paperclip server (minutes on a cold cache), so they run only under
 * test/e2e/vitest.e2e.config.ts, which sets CLAUDE_K8S_E2E=1. Plain `npm test` matches
 * *.e2e.test.ts too until vitest.config.ts excludes test/e2e; there they are skipped.
 */
export const E2E_ENABLED = process.env.CLAUDE_K8S_E2E === "1";
