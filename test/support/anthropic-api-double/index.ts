/**
 * The Anthropic Messages API double for tests. It lives in `src/api-double` because
 * `npm run demo -- --real` (run from `dist/`) uses it too when no API key is set; tests import it
 * from here.
 */
export * from "../../../src/api-double/index.js";
