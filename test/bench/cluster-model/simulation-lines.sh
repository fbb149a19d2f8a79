#!/bin/sh
# Lines of Kubernetes simulation code: the shared cluster model and its front doors (the local
# runtime, the loopback apiserver) and the unit-test fake. Run from the repository root:
#   sh test/bench/cluster-model/simulation-lines.sh
# "cluster" counts the parts that simulate the API and its controllers; "sandbox" the local
# runtime's kubelet and sandbox (processes, mounts, bubblewrap), which only the local runtime has.
set -eu
sandbox='local-pod-runner|running-pod|pod-status-board|pod-waits|retry-until-ready|container-launch|container-working-directory|pod-runner-options|local-pod-host|mount-table|pod-sandbox|process-group|process-identity|sandbox-|fs-group|container-environment|variable-expansion|exit-cleanup|adopted-container|runtime-state-directory'
count() { if [ "$#" -gt 0 ]; then cat "$@" | wc -l; else echo 0; fi; }
files() { find "$@" -name '*.ts' 2>/dev/null | sort; }
model=$(files src/adapters/cluster-model)
local_all=$(files src/adapters/local-runtime)
local_cluster=$(echo "$local_all" | grep -Ev "$sandbox" || true)
local_sandbox=$(echo "$local_all" | grep -E "$sandbox" || true)
loopback=$(files test/support/loopback-kube-api)
fake='test/fakes/fake-kubernetes.ts test/fakes/fake-cluster-objects.ts test/fakes/scripted-api-faults.ts'
printf '%-44s %6s\n' "shared model  src/adapters/cluster-model" "$(count $model)"
printf '%-44s %6s\n' "local runtime, cluster part" "$(count $local_cluster)"
printf '%-44s %6s\n' "loopback apiserver" "$(count $loopback)"
printf '%-44s %6s\n' "FakeKubernetes" "$(count $fake)"
printf '%-44s %6s\n' "cluster simulation total" "$(count $model $local_cluster $loopback $fake)"
printf '%-44s %6s\n' "local runtime, kubelet + sandbox part" "$(count $local_sandbox)"
printf '%-44s %6s\n' "all three simulations + model" "$(count $model $local_all $loopback $fake)"
