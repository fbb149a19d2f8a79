export const ADAPTER_TYPE = "claude_k8s";
