/**
 * The composition root: the ONE place that binds ports to implementations. The Paperclip edge,
 * tests and other orchestrators all build their object graph here, passing their own bindings
 * for any port they want to replace.
 */
import "reflect-metadata";
import { Container } from "inversify";
import { ClientNodeKubernetes, type ClientNodeKubernetesOptions } from "./adapters/client-node-kubernetes.js";
import { NodeFileSystem } from "./adapters/node-file-system.js";
import { SystemClock } from "./adapters/system-clock.js";
import { ServerPodReader } from "./domain/server-pod-reader.js";
import { CLOCK_PORT, type ClockPort } from "./ports/clock-port.js";
import { FILE_SYSTEM_PORT, type FileSystemPort } from "./ports/file-system-port.js";
import { KUBERNETES_PORT, type KubernetesPort } from "./ports/kubernetes-port.js";

export interface PortBindings {
  readonly fileSystem?: FileSystemPort;
  readonly kubernetes?: KubernetesPort;
  readonly clock?: ClockPort;
}

export interface ContainerOptions {
  /** Replace any port with your own implementation (a fake, another runtime). */
  readonly bindings?: PortBindings;
  /** How the default client-node adapter connects, when `bindings.kubernetes` is not given. */
  readonly kubernetes?: ClientNodeKubernetesOptions;
}

export function createContainer(options: ContainerOptions = {}): Container {
  const container = new Container({ defaultScope: "Singleton" });
  const { bindings = {} } = options;

  container.bind<FileSystemPort>(FILE_SYSTEM_PORT).toConstantValue(bindings.fileSystem ?? new NodeFileSystem());
  container.bind<ClockPort>(CLOCK_PORT).toConstantValue(bindings.clock ?? new SystemClock());
  container
    .bind<KubernetesPort>(KUBERNETES_PORT)
    .toConstantValue(bindings.kubernetes ?? new ClientNodeKubernetes(options.kubernetes));

  container
    .bind(ServerPodReader)
    .toResolvedValue((kubernetes: KubernetesPort) => new ServerPodReader(kubernetes), [KUBERNETES_PORT]);

  return container;
}
