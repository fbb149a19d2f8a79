import { describe, expect, it } from "vitest";
import { diagnosePodStart } from "../../../src/domain/cluster/pod-start-diagnosis.js";
import { podWith, runJob, waiting, IMAGE } from "./run-fixtures.js";

const failureOf = (state: ReturnType<typeof diagnosePodStart>) => {
  if (state.kind !== "failed") throw new Error(`expected a failure, got ${JSON.stringify(state)}`);
  return state.failure;
};

describe("diagnosePodStart", () => {
  it("waits while there is no pod, saying whether the Job is still suspended", () => {
    expect(diagnosePodStart(null, null)).toEqual({ kind: "waiting", detail: "Job not observed yet" });
    expect(diagnosePodStart(null, runJob("run-1", { suspend: true }))).toEqual({
      kind: "waiting",
      detail: "Job is still suspended",
    });
    expect(diagnosePodStart(null, runJob("run-1")).kind).toBe("waiting");
  });

  it("reports a Job that failed before any pod started as terminated", () => {
    const job = runJob("run-1");
    job.status = { conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] };
    expect(diagnosePodStart(null, job)).toEqual({ kind: "terminated" });
  });

  it.each(["ErrImagePull", "ImagePullBackOff", "InvalidImageName"])(
    "fails %s with k8s_image_pull_failed naming the pod, image, reason and kubelet message",
    (reason) => {
      const pod = podWith({ containerStatuses: [waiting("claude", reason, "manifest unknown")] }, "node-a");
      const failure = failureOf(diagnosePodStart(pod, null));
      expect(failure.errorCode).toBe("k8s_image_pull_failed");
      expect(failure.errorMessage).toBe(`Pod run-1-abcde cannot pull image ${IMAGE}: ${reason}: manifest unknown.`);
    },
  );

  it("fails an unschedulable pod with the scheduler's own message", () => {
    const message = "0/3 nodes are available: 3 Insufficient cpu.";
    const pod = podWith({ conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] });
    const failure = failureOf(diagnosePodStart(pod, null));
    expect(failure.errorCode).toBe("k8s_unschedulable");
    expect(failure.errorMessage).toContain(`Pod run-1-abcde cannot be scheduled: ${message}`);
  });

  it("reports a missing PersistentVolumeClaim (seen by the scheduler) as a volume failure", () => {
    const message = 'persistentvolumeclaim "paperclip-data" not found';
    const pod = podWith({ conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }] });
    const failure = failureOf(diagnosePodStart(pod, null));
    expect(failure.errorCode).toBe("k8s_volume_mount_failed");
    expect(failure.errorMessage).toContain(message);
  });

  it("fails an init container that exited non-zero, naming it, its exit code, reason and message", () => {
    const pod = podWith(
      {
        initContainerStatuses: [
          {
            name: "prepare",
            state: { terminated: { exitCode: 2, reason: "Error", message: "mkdir: permission denied" } },
          },
        ],
      },
      "node-a",
    );
    const failure = failureOf(diagnosePodStart(pod, null));
    expect(failure.errorCode).toBe("k8s_init_container_failed");
    expect(failure.errorMessage).toBe(
      "Init container prepare of pod run-1-abcde failed: exit code 2: Error: mkdir: permission denied.",
    );
  });

  it("names the init container's own image when it cannot be pulled", () => {
    const pod = podWith({ initContainerStatuses: [waiting("prepare", "ErrImagePull", "not found")] }, "node-a");
    expect(failureOf(diagnosePodStart(pod, null)).errorMessage).toContain("cannot pull image busybox:1.36");
  });

  it("reports CreateContainerConfigError (a missing Secret) as a volume failure with reason and message", () => {
    const pod = podWith(
      { containerStatuses: [waiting("claude", "CreateContainerConfigError", 'secret "run-1-env" not found')] },
      "node-a",
    );
    const failure = failureOf(diagnosePodStart(pod, null));
    expect(failure.errorCode).toBe("k8s_volume_mount_failed");
    expect(failure.errorMessage).toContain('CreateContainerConfigError: secret "run-1-env" not found');
  });

  it("splits CreateContainerError into a mount failure or a container creation failure by its message", () => {
    const mount = podWith({
      containerStatuses: [waiting("claude", "CreateContainerError", "failed to prepare subPath for volumeMount")],
    });
    const other = podWith({ containerStatuses: [waiting("claude", "CreateContainerError", "no command specified")] });
    expect(failureOf(diagnosePodStart(mount, null)).errorCode).toBe("k8s_volume_mount_failed");
    const failure = failureOf(diagnosePodStart(other, null));
    expect(failure.errorCode).toBe("k8s_container_create_failed");
    expect(failure.errorMessage).toContain("Container claude of pod run-1-abcde could not be created");
    expect(failure.errorMessage).toContain("no command specified");
  });

  it("treats CrashLoopBackOff as a container that already ran (its output decides the outcome)", () => {
    const pod = podWith({ phase: "Running", containerStatuses: [waiting("claude", "CrashLoopBackOff")] });
    expect(diagnosePodStart(pod, null)).toEqual({ kind: "terminated" });
  });

  it("reports running with the node, and a finished or evicted pod as terminated", () => {
    const running = podWith(
      { phase: "Running", containerStatuses: [{ name: "claude", state: { running: {} } }] },
      "n1",
    );
    expect(diagnosePodStart(running, null)).toEqual({ kind: "running", nodeName: "n1" });
    const exited = podWith({
      phase: "Running",
      containerStatuses: [{ name: "claude", state: { terminated: { exitCode: 0 } } }],
    });
    expect(diagnosePodStart(exited, null)).toEqual({ kind: "terminated" });
    expect(diagnosePodStart(podWith({ phase: "Failed", reason: "Evicted" }), null)).toEqual({ kind: "terminated" });
  });

  it("describes a pod still being created with its waiting reason and node", () => {
    const pod = podWith({ containerStatuses: [waiting("claude", "ContainerCreating")] }, "node-b");
    expect(diagnosePodStart(pod, null)).toEqual({
      kind: "waiting",
      detail: "pod run-1-abcde Pending, ContainerCreating, on node node-b",
    });
  });
});
