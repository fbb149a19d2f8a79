/** Builds a run's manifests and reads the parts the manifest tests look at. */
import type { RunFailure } from "../../../src/domain/errors.js";
import {
  JobManifestFactory,
  type JobRunSpec,
  type RunManifests,
} from "../../../src/domain/job/job-manifest-factory.js";
import type { Container, EnvVar } from "../../../src/ports/kubernetes-objects.js";

const factory = new JobManifestFactory();

export function build(spec: JobRunSpec): RunManifests {
  const result = factory.build(spec);
  if (!result.ok) throw new Error(`expected manifests, got ${result.failure.errorMessage}`);
  return result.value;
}

export function refuse(spec: JobRunSpec): RunFailure {
  const result = factory.build(spec);
  if (result.ok) throw new Error("expected the factory to refuse");
  return result.failure;
}

export const main = (m: RunManifests): Container => m.job.spec.template.spec.containers[0]!;
export const init = (m: RunManifests): Container => m.job.spec.template.spec.initContainers![0]!;
export const envOf = (m: RunManifests): EnvVar[] => main(m).env ?? [];
export const literal = (m: RunManifests, name: string): string | undefined =>
  envOf(m).find((e) => e.name === name)?.value;
