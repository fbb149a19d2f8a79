/** Every Kubernetes verb the adapter actually uses, and nothing it does not (no pods/log). */
export const REQUIRED_ACCESS = [
  { verb: "create", resource: "jobs", group: "batch" },
  { verb: "get", resource: "jobs", group: "batch" },
  { verb: "list", resource: "jobs", group: "batch" },
  { verb: "watch", resource: "jobs", group: "batch" },
  { verb: "patch", resource: "jobs", group: "batch" },
  { verb: "delete", resource: "jobs", group: "batch" },
  { verb: "create", resource: "secrets" },
  { verb: "get", resource: "pods" },
  { verb: "list", resource: "pods" },
  { verb: "watch", resource: "pods" },
] as const;
