/**
 * The run pod's security: a non-root uid/gid, the shared volume's group (fsGroup, changed only when
 * the volume root does not match, so a large volume is not re-chowned on every start), the
 * runtime's default seccomp profile, and containers with every capability dropped and no way to
 * gain privileges.
 */
import type { PodSecurityContext, SecurityContext } from "../../ports/kubernetes-objects.js";
import type { AdapterConfig } from "../config/config-fields.js";

type Identity = Pick<AdapterConfig, "runAsUser" | "runAsGroup" | "fsGroup">;

export function podSecurityContext(config: Identity): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: config.runAsUser,
    runAsGroup: config.runAsGroup,
    fsGroup: config.fsGroup,
    fsGroupChangePolicy: "OnRootMismatch",
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(config: Identity): SecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: config.runAsUser,
    runAsGroup: config.runAsGroup,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: false,
    capabilities: { drop: ["ALL"] },
  };
}
