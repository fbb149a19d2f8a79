/**
 * What a pod waits for before its containers can start — a sandbox on this machine, its volumes
 * (a Secret that does not exist yet), the host side of its data-volume mounts, each container's
 * environment — each wait naming its reason in the status of the containers it holds back, retried until
 * it is over or the pod is stopped, as a kubelet does.
 */
import type { PodSandbox } from "./pod-sandbox.js";
import type { Pod } from "../../ports/kubernetes-objects.js";
import { buildContainerEnvironment, type EnvironmentInputs } from "./container-environment.js";
import { preparePodVolumes, type VolumePreparation } from "./pod-sandbox-plan.js";
import { waitingContainer, type ContainerKind, type PodStatusBoard } from "./pod-status-board.js";
import { retryUntilReady, type Readiness, type RetryPacing } from "./retry-until-ready.js";
import { sandboxAvailability } from "./sandbox-host.js";
import type { SecretLookup } from "./secret-data.js";

export class PodWaits {
  constructor(
    private readonly board: PodStatusBoard,
    private readonly pacing: RetryPacing,
  ) {}

  /** True once a sandbox can be made here (CreateContainerError says how to get one meanwhile). */
  async sandboxAvailable(): Promise<boolean> {
    const ready = await this.until("CreateContainerError", async (): Promise<Readiness<true>> => {
      const availability = await sandboxAvailability();
      return availability.available ? { ready: true, value: true } : { ready: false, message: availability.reason };
    });
    return ready === true;
  }

  /** True once the pod's volumes (Secrets, emptyDirs) are in its sandbox. */
  async volumesReady(sandbox: PodSandbox, pod: Pod, secretLookup: SecretLookup, dataClaimName: string) {
    const ready = await this.until("ContainerCreating", async (): Promise<Readiness<true>> => {
      const problem = await sandbox.prepareVolumes(pod.spec.volumes ?? [], secretLookup, dataClaimName);
      return problem === undefined ? { ready: true, value: true } : { ready: false, message: problem };
    });
    return ready === true;
  }

  /**
   * Each data-volume mount's local path, resolved; a problem (a symlinked subPath, ...) keeps the
   * pod waiting until it is deleted, and gives undefined.
   */
  async hostVolumes(preparation: VolumePreparation): Promise<ReadonlyMap<string, string> | undefined> {
    const prepared = await preparePodVolumes(preparation);
    if (prepared.ok) return prepared.resolved;
    await this.until("CreateContainerConfigError", async (): Promise<Readiness<true>> => ({
      ready: false,
      message: prepared.message,
    }));
    return undefined;
  }

  /** The container's environment once every Secret it names exists (only it waits); undefined once stopped. */
  environment(
    inputs: EnvironmentInputs,
    kind: ContainerKind,
    index: number,
  ): Promise<Record<string, string> | undefined> {
    return retryUntilReady(
      async (): Promise<Readiness<Record<string, string>>> => {
        const result = buildContainerEnvironment(inputs);
        return result.ok ? { ready: true, value: result.env } : { ready: false, message: result.message };
      },
      (message) =>
        this.board.setContainer(
          kind,
          index,
          waitingContainer(inputs.container.name, "CreateContainerConfigError", message),
        ),
      this.pacing,
    );
  }

  /** Waits with every unstarted container showing `reason`. */
  private until<T>(reason: string, attempt: () => Promise<Readiness<T>>): Promise<T | undefined> {
    return retryUntilReady(attempt, (message) => this.board.setWaiting(reason, message), this.pacing);
  }
}
