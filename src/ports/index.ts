export * from "./clock-port.js";
export * from "./file-system-port.js";
export * from "./kubernetes-objects.js";
export * from "./kubernetes-port.js";
export * from "./log-port.js";
export * from "./port-token.js";
