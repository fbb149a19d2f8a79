export * from "./billing.js";
export * from "./classify-outcome.js";
export * from "./exit-cause.js";
export * from "./stream-json-accumulator.js";
export { retryNotBefore, DEFAULT_RETRY_BACKOFF_MS } from "./retry-time.js";
export type { TokenUsage } from "../stream-json/usage.js";
