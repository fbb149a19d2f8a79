/**
 * A refusal by the cluster model, in the apiserver's terms (HTTP code, Status reason, details):
 * the loopback apiserver sends it as a Status body, the local runtime as a KubernetesApiError.
 */
export interface ClusterErrorDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
}

export class ClusterError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason?: string,
    readonly details?: ClusterErrorDetails,
  ) {
    super(message);
    this.name = "ClusterError";
  }
}
