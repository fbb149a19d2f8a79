/** The stream-json module's usage and cost readers, under the name the outcome classifier imports them by. */
export { costFromResult, usageFromResult, type TokenUsage } from "../stream-json/usage.js";
