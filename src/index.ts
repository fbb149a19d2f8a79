/**
 * Package entry Paperclip loads: `createServerAdapter()` returns the `claude_k8s` ServerAdapterModule.
 * Other orchestrators embed the Paperclip-free core from `paperclip-adapter-claude-k8s/core`.
 */
export { createServerAdapter, type ServerAdapterOptions } from "./paperclip/server-adapter.js";
export { ADAPTER_TYPE as type } from "./paperclip/adapter-type.js";
export { models } from "./paperclip/models.js";
export { agentConfigurationDoc } from "./paperclip/agent-configuration-doc.js";
