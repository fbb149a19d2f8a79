/**
 * Package entry. Paperclip's plugin surface (createServerAdapter) lands here with the run
 * orchestrator; until then the entry exposes the embeddable core.
 */
export * from "./core.js";
