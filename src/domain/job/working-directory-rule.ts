/**
 * Which working directory a run may mount. The pod mounts its cwd read-write from the shared claim,
 * so a cwd is refused (before anything is created) when it would hand the pod more than the agent's
 * own workspace: outside the data mount (nothing would back it), the claim root itself, an ancestor
 * of a protected area (the run-log root, the adapter's tree, Paperclip's instance homes with their
 * database, secrets and backups), or a place inside one that belongs to another run, agent or company;
 * never the local runtime's state directory.
 *
 * Allowed inside the protected areas: this agent's default workspace under the adapter's tree, and
 * Paperclip's own workspaces for this agent (`instances/<id>/workspaces/<agentId>`) and this company's
 * project checkouts (`instances/<id>/projects/<companyId>/…`). Anywhere else on the claim is the
 * operator's choice.
 */
import { runFailure, type RunFailure } from "../errors.js";
import { LOCAL_RUNTIME_STATE_NAME, agentAreas, isWithin, normalizePath, type AgentIdentity } from "../volume-layout.js";

export interface WorkingDirectoryInput extends AgentIdentity {
  readonly dataMountPath: string;
  readonly runLogRoot: string;
  readonly workingDirectory: string;
}

/** Paperclip's instance homes (`$PAPERCLIP_HOME/instances`) when its home is the data mount. */
export function paperclipInstancesRoot(dataMountPath: string): string {
  return `${normalizePath(dataMountPath).replace(/\/$/, "")}/instances`;
}

export function refuseWorkingDirectory(input: WorkingDirectoryInput): RunFailure | null {
  const cwd = input.workingDirectory;
  const refuse = (reason: string) => {
    return runFailure("working_directory_refused", {
      path: JSON.stringify(cwd),
      reason,
      suggestion: suggestionFor(input),
    });
  };
  if (!cwd.startsWith("/")) return refuse("it is not an absolute path");
  if (cwd.includes("\u0000")) return refuse("it contains a NUL byte");
  if (cwd.split("/").some((part) => part === "." || part === "..")) {
    return refuse('it contains "." or ".." components, so where it resolves is not what it says');
  }
  const dataMount = normalizePath(input.dataMountPath);
  if (!isWithin(cwd, dataMount) || normalizePath(cwd) === dataMount) {
    return refuse(
      normalizePath(cwd) === dataMount
        ? `it is the data claim's root ${dataMount}, which holds every company's files`
        : `it is outside the data mount ${dataMount}, so the pod could not share it with the server`,
    );
  }
  const areas = agentAreas(input.dataMountPath, input);
  const instances = paperclipInstancesRoot(input.dataMountPath);
  const protectedAreas: Array<[string, string]> = [
    [normalizePath(input.runLogRoot), "the run-log root"],
    [areas.adapterTree, "the adapter's tree (every company's homes and bundles)"],
    [instances, "Paperclip's instance homes (database, secrets, backups)"],
  ];
  for (const [area, what] of protectedAreas) {
    if (isWithin(area, cwd)) return refuse(`it contains ${what} ${area}`);
  }
  const localRuntimeState = `${dataMount}/${LOCAL_RUNTIME_STATE_NAME}`;
  if (isWithin(cwd, localRuntimeState)) {
    return refuse(`it is inside the local runtime's state ${localRuntimeState} (every run's Secrets and pod records)`);
  }
  if (isWithin(cwd, input.runLogRoot))
    return refuse(`it is inside the run-log root ${normalizePath(input.runLogRoot)}`);
  if (isWithin(cwd, areas.adapterTree) && !isWithin(cwd, areas.defaultWorkspace)) {
    return refuse(`it is inside the adapter's tree but not this agent's workspace ${areas.defaultWorkspace}`);
  }
  if (isWithin(cwd, instances) && !isPaperclipWorkspaceOf(cwd, instances, input)) {
    return refuse(
      `it is inside Paperclip's instance homes ${instances} but not this agent's workspace ` +
        `(instances/<id>/workspaces/${input.agentId}) or this company's projects (instances/<id>/projects/${input.tenantId}/…)`,
    );
  }
  return null;
}

function suggestionFor(input: WorkingDirectoryInput): string {
  try {
    return agentAreas(input.dataMountPath, input).defaultWorkspace;
  } catch {
    return `${input.dataMountPath}/<a directory of this agent>`;
  }
}

function isPaperclipWorkspaceOf(cwd: string, instances: string, agent: AgentIdentity): boolean {
  const [instance, kind, owner, ...rest] = normalizePath(cwd)
    .slice(instances.length + 1)
    .split("/");
  if (!instance || !owner) return false;
  if (kind === "workspaces") return owner === agent.agentId;
  return kind === "projects" && owner === agent.tenantId && rest.length > 0;
}
