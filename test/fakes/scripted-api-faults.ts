/**
 * The API failures a unit test scripts on FakeKubernetes: an error kind on the next calls of an
 * operation (refused before it takes effect), or an answer lost after it took effect (the caller
 * sees a timeout), with the HTTP status an apiserver would give each kind.
 */
import { KubernetesApiError, type KubernetesErrorKind } from "../../src/ports/kubernetes-port.js";

export type FakeOperation =
  | "currentNamespace"
  | "readOwnPod"
  | "createJob"
  | "readJob"
  | "listJobs"
  | "resumeJob"
  | "deleteJob"
  | "createOwnedSecret"
  | "listPods"
  | "readVolumeClaim"
  | "reviewAccess";

const STATUS_OF: Record<KubernetesErrorKind, number | undefined> = {
  not_found: 404,
  conflict: 409,
  gone: 410,
  unauthorized: 401,
  forbidden: 403,
  invalid: 422,
  server_error: 500,
  timeout: undefined,
  network: undefined,
  unavailable: undefined,
};

interface Fault {
  readonly operation: FakeOperation;
  readonly kind: KubernetesErrorKind;
  remaining: number;
}

export type LosableOperation = "createJob" | "createOwnedSecret" | "deleteJob";

export class ScriptedApiFaults {
  private readonly faults: Fault[] = [];
  private readonly lostAnswers: LosableOperation[] = [];

  failNext(operation: FakeOperation, kind: KubernetesErrorKind, times = 1): void {
    this.faults.push({ operation, kind, remaining: times });
  }

  loseNextAnswer(operation: LosableOperation): void {
    this.lostAnswers.push(operation);
  }

  /** Before the call takes effect: throws the scripted error, if one is due. */
  beforeCall(operation: FakeOperation): void {
    const fault = this.faults.find((f) => f.operation === operation && f.remaining > 0);
    if (!fault) return;
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(this.faults.indexOf(fault), 1);
    throw apiError(fault.kind, operation, `injected ${fault.kind} on ${operation}`);
  }

  /** After the call took effect: throws a timeout when its answer was set to be lost. */
  afterEffect(operation: LosableOperation): void {
    const lost = this.lostAnswers.indexOf(operation);
    if (lost < 0) return;
    this.lostAnswers.splice(lost, 1);
    throw new KubernetesApiError("timeout", operation, `answer to ${operation} lost (timeout)`);
  }
}

/** The error an apiserver answers for `kind`, with its HTTP status. */
export function apiError(kind: KubernetesErrorKind, operation: string, message: string): KubernetesApiError {
  return new KubernetesApiError(kind, operation, message, STATUS_OF[kind]);
}
